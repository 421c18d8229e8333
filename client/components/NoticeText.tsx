/** Renders a notice exactly as stored: blank lines separate blocks, "- " lines form a list, the first line of a
 *  block followed by more lines is its heading. */
export function NoticeText({ body }: { body: string }) {
  const blocks = body.split(/\n\s*\n/);
  return (
    <div className="notice">
      {blocks.map((block, i) => {
        const lines = block.split('\n');
        const items = lines.filter((l) => l.startsWith('- '));
        const text = lines.filter((l) => !l.startsWith('- '));
        const heading = lines.length > 1 ? text.shift() : undefined;
        return (
          <div key={i}>
            {heading && <h3>{heading}</h3>}
            {text.length > 0 && <p>{text.join(' ')}</p>}
            {items.length > 0 && (
              <ul>
                {items.map((item) => (
                  <li key={item}>{item.slice(2)}</li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </div>
  );
}
