/** Server-sent events, read by the server (the model's stream) and by the browser (Signal's answer stream). */

/**
 * Incremental parser for a `text/event-stream` body: feed it text as it arrives, get back each complete event's
 * data (multi-line `data:` fields joined by "\n"). Comments and other fields are skipped; CRLF and LF both end lines.
 */
export function createSseParser() {
  let buffer = '';
  let data: string[] = [];
  return {
    push(text: string): string[] {
      buffer += text;
      const events: string[] = [];
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) !== -1) {
        const line = buffer.slice(0, newline);
        // A lone "\r" at the end of the buffer may be the first half of "\r\n": wait for more.
        if (buffer[newline] === '\r' && newline === buffer.length - 1) break;
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length) events.push(data.join('\n'));
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(line.slice(line[5] === ' ' ? 6 : 5));
        }
      }
      return events;
    },
    /** Whatever complete `data:` lines were pending when the body ended without a final blank line. */
    flush(): string[] {
      const rest = buffer.startsWith('data:') ? [...data, buffer.slice(buffer[5] === ' ' ? 6 : 5)] : data;
      buffer = '';
      data = [];
      return rest.length ? [rest.join('\n')] : [];
    },
  };
}
