import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Moves failure messages and stack traces into an encoded payload, so the payload codec encrypts
 * them too: provider error texts can quote event subjects. Loaded by path (`failureConverterPath`)
 * in clients, workers and the workflow bundle, so it imports nothing but @temporalio/common.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
