/**
 * calsync push: after a calendar event is created, edited, inline-edited or deleted, POST
 * {type, id, lastModified} to the tenant's calsync webhook, signed with HMAC-SHA256 under the
 * tenant secret (X-Calsync-Timestamp, X-Calsync-Signature: v1=<hex>). The push is only a hint:
 * calsync reads the record itself, so a lost push costs latency, never data.
 *
 * Script parameters:
 *   custscript_calsync_webhook_url  https URL of the tenant's webhook (…/webhooks/netsuite/<tenant>)
 *   custscript_calsync_secret       script id of the API secret holding the tenant secret
 *   custscript_calsync_skip_role    internal id of the calsync integration role (its writes are not pushed)
 *
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * @NModuleScope SameAccount
 */
define(['N/runtime', 'N/https', 'N/crypto', 'N/encode', 'N/log', './calsync_push_lib'], (
  runtime,
  https,
  crypto,
  encode,
  log,
  lib
) => {
  const afterSubmit = (context) => {
    const type = lib.pushType(context.type);
    if (!type) return;
    const script = runtime.getCurrentScript();
    const own = lib.isOwnWrite({
      executionContext: runtime.executionContext,
      contextTypes: runtime.ContextType,
      roleId: runtime.getCurrentUser().role,
      skipRoleId: script.getParameter({ name: 'custscript_calsync_skip_role' }),
    });
    if (own) return;

    const rec = type === 'delete' ? context.oldRecord : context.newRecord;
    const lastModified = type === 'delete' ? undefined : rec.getValue({ fieldId: 'lastmodifieddate' });
    const raw = JSON.stringify(lib.pushBody(type, rec.id, lastModified));
    const timestamp = Math.floor(Date.now() / 1000);

    try {
      const key = crypto.createSecretKey({
        secret: script.getParameter({ name: 'custscript_calsync_secret' }),
        encoding: encode.Encoding.UTF_8,
      });
      const hmac = crypto.createHmac({ algorithm: crypto.HashAlg.SHA256, key });
      hmac.update({ input: lib.signingInput(timestamp, raw), inputEncoding: encode.Encoding.UTF_8 });
      const signature = `v1=${hmac.digest({ outputEncoding: encode.Encoding.HEX }).toLowerCase()}`;

      // 10 governance units of the 1,000 a user event has.
      const response = https.post({
        url: script.getParameter({ name: 'custscript_calsync_webhook_url' }),
        body: raw,
        headers: {
          'Content-Type': 'application/json',
          'X-Calsync-Timestamp': String(timestamp),
          'X-Calsync-Signature': signature,
        },
      });
      if (response.code >= 300) log.error({ title: 'calsync push refused', details: `${response.code} for ${raw}` });
    } catch (e) {
      // Never fail the user's save because the webhook is down: polling will find the change.
      log.error({ title: 'calsync push failed', details: `${e.name || 'Error'}: ${e.message} for ${raw}` });
    }
  };

  return { afterSubmit };
});
