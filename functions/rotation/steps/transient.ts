// Kept only for the approval modules that still import it from here (functions/approvals/handler-decide.ts,
// handler-request-approval); the one transient-error middleware is functions/shared/transient.ts, which
// functions/shared/step.ts wires into every handler. Delete this file once nothing imports it.
export { isTransientAwsError, transientErrors } from '../../shared/transient.ts';
