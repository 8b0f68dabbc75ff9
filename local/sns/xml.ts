// The XML of SNS's query protocol: `<{Action}Response><{Action}Result>…</…><ResponseMetadata>` for answers and
// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>` for errors.
const NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"'\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#xD;' })[c] ?? c,
  );

/** An element; a string child is text (escaped), an array holds elements already built. */
const el = (name: string, content: string | readonly string[]) =>
  `<${name}>${typeof content === 'string' ? escapeXml(content) : content.join('')}</${name}>`;

const response = (action: string, result: readonly string[] | undefined, requestId: string) =>
  `<${action}Response xmlns="${NAMESPACE}">${result ? el(`${action}Result`, result) : ''}${el('ResponseMetadata', [
    el('RequestId', requestId),
  ])}</${action}Response>`;

const errorResponse = (type: 'Sender' | 'Receiver', code: string, message: string, requestId: string) =>
  `<ErrorResponse xmlns="${NAMESPACE}">${el('Error', [el('Type', type), el('Code', code), el('Message', message)])}${el(
    'RequestId',
    requestId,
  )}</ErrorResponse>`;

export { el, errorResponse, escapeXml, response };
