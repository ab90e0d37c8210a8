/**
 * Pure helpers of the push User Event script: which writes to report, and what to send.
 * No N/ modules here, so the logic can be tested outside NetSuite.
 *
 * @NApiVersion 2.1
 * @NModuleScope SameAccount
 */
define([], () => {
  const REPORTED = { create: 'create', edit: 'edit', xedit: 'xedit', delete: 'delete' };

  /** 'create' | 'edit' | 'xedit' | 'delete' for the submit types we report, else null. */
  const pushType = (contextType) => REPORTED[String(contextType || '').toLowerCase()] || null;

  /**
   * Our own writes must not come back as pushes. The calsync role is the precise test (another
   * integration's REST writes still sync); without it configured, every REST web services and
   * RESTlet write is skipped. Change detection drops echoes anyway: this only saves a read.
   */
  const isOwnWrite = ({ executionContext, contextTypes, roleId, skipRoleId }) => {
    if (skipRoleId) return String(roleId) === String(skipRoleId);
    return executionContext === contextTypes.REST_WEBSERVICES || executionContext === contextTypes.RESTLET;
  };

  /** A NetSuite datetime (Date) as UTC ISO to the second, the way REST renders lastModifiedDate. */
  const isoSeconds = (value) => {
    if (!(value instanceof Date) || isNaN(value.getTime())) return undefined;
    return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  };

  const pushBody = (type, id, lastModified) => {
    const body = { type, id: String(id) };
    const stamp = type === 'delete' ? undefined : isoSeconds(lastModified);
    if (stamp) body.lastModified = stamp;
    return body;
  };

  /** The string the tenant secret signs: "<unix seconds>.<raw body>". */
  const signingInput = (timestampSeconds, rawBody) => `${timestampSeconds}.${rawBody}`;

  return { pushType, isOwnWrite, pushBody, signingInput, isoSeconds };
});
