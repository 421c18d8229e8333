import { useMutation } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { TQrSheet } from '../../../../shared/schemas/links.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { errorCodeOf } from '../../../lib/trpc-errors.ts';
import { useTRPC } from '../../trpc.ts';
import './links.css';

/** The QR code of one link, drawn here as SVG (the link never leaves the browser for it). */
function QrCode({ text, label }: { text: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then((s) => live && setSvg(s));
    return () => {
      live = false;
    };
  }, [text]);
  // The SVG comes from the qrcode library for our own URL, not from user input.
  return <div className="qr" role="img" aria-label={label} dangerouslySetInnerHTML={svg ? { __html: svg } : undefined} />;
}

const PER_PAGE = 9;
/** One printed page per group: a page break between grids works in every browser, one inside a grid does not. */
const pages = <T,>(items: readonly T[]) =>
  Array.from({ length: Math.ceil(items.length / PER_PAGE) }, (_, i) => items.slice(i * PER_PAGE, (i + 1) * PER_PAGE));

/** A printable sheet: name, QR code and link per person, nine to a page. */
export function QrSheetPage() {
  const { t } = useTranslation(['links', 'common']);
  const trpc = useTRPC();
  const prepare = useMutation(trpc.links.qrSheet.mutationOptions());
  const [sheet, setSheet] = useState<TQrSheet | null>(null);

  return (
    <>
      <section className="card no-print">
        <h1>{t('qr.title')}</h1>
        <p className="muted">{t('qr.intro')}</p>
        {prepare.error && <ErrorNotice code={errorCodeOf(prepare.error)} />}
        <div className="actions">
          {!sheet && (
            <button
              type="button"
              disabled={prepare.isPending}
              onClick={() => void prepare.mutateAsync({}).then(setSheet, () => undefined)}
            >
              {t('qr.prepare')}
            </button>
          )}
          {sheet && sheet.entries.length > 0 && (
            <button type="button" onClick={() => window.print()}>
              {t('qr.print')}
            </button>
          )}
          <Link to="/portal/links">{t('qr.back')}</Link>
        </div>
        {sheet && sheet.entries.length === 0 && <p className="muted">{t('qr.empty')}</p>}
      </section>
      {sheet &&
        pages(sheet.entries).map((entries, i) => (
          <section className="qr-sheet" key={i}>
            {entries.map((e) => (
              <article className="qr-card" key={e.employeeId}>
                <h2>{e.name}</h2>
                <QrCode text={e.url} label={t('qr.scan')} />
                <p className="muted">{t('qr.scan')}</p>
                <p className="qr-url">{e.shortUrl}</p>
                {sheet.expiresAt && <p className="muted">{t('qr.validUntil', { date: formatDateTime(sheet.expiresAt) })}</p>}
              </article>
            ))}
          </section>
        ))}
    </>
  );
}
