import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import {
  fieldLevel,
  mappingStatus,
  PREVIEW_ROWS,
  ROSTER_FIELDS,
  type ColumnStatus,
  type RosterFieldKey,
  type RosterMapping,
} from '../../../../shared/roster.ts';
import { DIFF_LIST_LIMIT, ERROR_LIST_LIMIT, type TRosterImport } from '../../../../shared/schemas/roster.ts';
import { ErrorNotice, useErrorMessage } from '../../../components/ErrorNotice.tsx';
import { FieldError } from '../../../components/FieldError.tsx';
import { currentLanguage } from '../../../i18n/index.ts';
import { formatDateTime, formatNumber, formatPercent } from '../../../lib/format.ts';
import { errorCodeOf, fieldErrorsOf, type ClientErrorCode } from '../../../lib/trpc-errors.ts';
import { useTRPC } from '../../trpc.ts';
import { uploadRoster, type UploadOutcome, type UploadProgress } from './upload.ts';
import './roster.css';

const DELIMITER_KEY = { ',': 'comma', ';': 'semicolon', '\t': 'tab' } as const;
const STATUS_BADGE: Record<ColumnStatus, { className: string; icon: string }> = {
  ok: { className: 'badge ok', icon: '✓' },
  warn: { className: 'badge warn', icon: '!' },
  ignored: { className: 'badge', icon: '–' },
};

/** Onboarding step 4: upload the roster CSV, map its columns, validate, review the changes, apply. */
export function RosterPage() {
  const { t } = useTranslation(['roster', 'common']);
  const [params, setParams] = useSearchParams();
  const importId = params.get('import');
  const open = (id: string | null) => setParams(id ? { import: id } : {}, { replace: false });

  return (
    <>
      <section className="card">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
        <Uploader onUploaded={open} />
      </section>
      {importId && <ImportReview key={importId} importId={importId} onClose={() => open(null)} />}
      <RecentImports current={importId} onOpen={open} />
    </>
  );
}

function Uploader({ onUploaded }: { onUploaded: (importId: string) => void }) {
  const { t } = useTranslation(['roster', 'common']);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [over, setOver] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [outcome, setOutcome] = useState<UploadOutcome | null>(null);
  const busy = progress !== null;

  async function send(chosen: File | undefined) {
    if (!chosen || busy) return;
    setFile(chosen);
    setOutcome(null);
    setProgress({ phase: 'sending', loaded: 0, total: chosen.size });
    const result = await uploadRoster(chosen, setProgress);
    setProgress(null);
    setOutcome(result);
    if (result.type === 'done') {
      await queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });
      onUploaded(result.importId);
    }
  }

  function drop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setOver(false);
    void send(event.dataTransfer.files[0]);
  }

  return (
    <>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <p>{t('upload.drop')}</p>
        <label>
          <span className="visually-hidden">{t('upload.choose')}</span>
          <input
            type="file"
            accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
            disabled={busy}
            onChange={(e) => {
              void send(e.currentTarget.files?.[0]);
              e.currentTarget.value = '';
            }}
          />
        </label>
      </div>
      {progress && file && (
        <div className="upload-progress" role="status" aria-live="polite">
          <strong>{t('upload.uploading', { name: file.name })}</strong>
          <label>
            {t('upload.sending')}{' '}
            {formatPercent(progress.phase === 'sending' ? progress.loaded / Math.max(1, progress.total) : 1)}
            <progress max={1} value={progress.phase === 'sending' ? progress.loaded / Math.max(1, progress.total) : 1} />
          </label>
          {progress.phase === 'storing' && (
            <label>
              {t('upload.storing')} — {t('upload.rowsStored', { count: progress.rows })}
              <progress max={1} value={progress.bytes / Math.max(1, progress.total)} />
            </label>
          )}
        </div>
      )}
      {outcome?.type === 'done' && file && (
        <p className="success" role="status">
          {t('upload.done', { count: outcome.rowCount, name: file.name })} {outcome.duplicate && t('upload.duplicate')}
        </p>
      )}
      {outcome?.type === 'error' && <UploadError outcome={outcome} />}
    </>
  );
}

function UploadError({ outcome }: { outcome: Extract<UploadOutcome, { type: 'error' }> }) {
  const { t } = useTranslation(['roster', 'common']);
  const message = useErrorMessage();
  return (
    <div className="alert" role="alert">
      <p>{outcome.code ? message(outcome.code as ClientErrorCode) : t('upload.failed')}</p>
      {outcome.problem && (
        <p>
          {t(`problems.${outcome.problem}`, { detail: outcome.detail ?? '' })}{' '}
          {outcome.line !== undefined && outcome.row !== undefined && t('problemAt', { line: formatNumber(outcome.line), row: formatNumber(outcome.row) })}
        </p>
      )}
    </div>
  );
}

function ImportReview({ importId, onClose }: { importId: string; onClose: () => void }) {
  const { t } = useTranslation(['roster', 'common']);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const imp = useQuery(trpc.roster.get.queryOptions({ importId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });

  if (imp.error) return <ErrorNotice code={errorCodeOf(imp.error)} onRetry={() => void imp.refetch()} />;
  if (!imp.data) return <p aria-busy="true">{t('common:loading')}</p>;
  const data = imp.data;

  if (data.status !== 'uploaded') {
    return (
      <section className="card">
        <h2>{data.fileName}</h2>
        <p>
          <span className="badge">{t(`recent.statuses.${data.status}`)}</span>{' '}
          {data.appliedAt && formatDateTime(data.appliedAt)}
        </p>
        {data.summary && (
          <p className="success">
            {t('apply.applied', {
              joiners: formatNumber(data.summary.joiners),
              returning: formatNumber(data.summary.returning),
              changed: formatNumber(data.summary.changed),
              leavers: formatNumber(data.summary.leavers),
            })}
          </p>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose}>
            {t('common:actions.back')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <>
      <Mapping data={data} onSaved={refresh} />
      {data.mappingSaved && <Validation importId={importId} />}
      {data.mappingSaved && <Diff importId={importId} />}
      <Decision importId={importId} mappingSaved={data.mappingSaved} onDone={refresh} onDiscarded={onClose} />
    </>
  );
}

function StatusBadge({ status, field }: { status: ColumnStatus; field: RosterFieldKey | null }) {
  const { t } = useTranslation('roster');
  const { className, icon } = STATUS_BADGE[status];
  return (
    <span className={className} title={field ? t(`levels.${fieldLevel(field)}`) : undefined}>
      <span aria-hidden="true">{icon}</span> {t(`status.${status}`)}
    </span>
  );
}

function Mapping({ data, onSaved }: { data: TRosterImport; onSaved: () => Promise<void> }) {
  const { t } = useTranslation(['roster', 'common']);
  const trpc = useTRPC();
  const save = useMutation(trpc.roster.saveMapping.mutationOptions());
  const [mapping, setMapping] = useState<RosterMapping>(data.mapping);
  useEffect(() => setMapping(data.mapping), [data.mapping]);
  const status = mappingStatus(data.headers, mapping);
  const dirty = JSON.stringify(mapping) !== JSON.stringify(data.mapping);
  const errors = fieldErrorsOf(save.error);

  function choose(header: string, value: string) {
    const field = (ROSTER_FIELDS as readonly string[]).includes(value) ? (value as RosterFieldKey) : null;
    // A field belongs to one column: choosing it here releases it elsewhere.
    setMapping((m) => Object.fromEntries(Object.entries(m).map(([h, f]) => [h, h === header ? field : f === field ? null : f])));
  }

  async function submit() {
    const saved = await save.mutateAsync({ importId: data.id, mapping }).catch(() => null);
    if (saved) await onSaved();
  }

  return (
    <section className="card">
      <h2>{t('preview.title')}</h2>
      <p className="muted">
        {t('preview.rows', { count: data.rowCount, name: data.fileName })} ·{' '}
        {t('preview.delimiter', { delimiter: t(`delimiters.${DELIMITER_KEY[data.delimiter as keyof typeof DELIMITER_KEY] ?? 'comma'}`) })}
      </p>
      <p className="muted">{t('preview.first', { count: Math.min(PREVIEW_ROWS, data.rowCount) })}</p>
      {(!data.mappingSaved || dirty) && <p>{t('preview.suggested')}</p>}
      {(status.missingRequired.length > 0 || status.missingRecommended.length > 0) && (
        <ul className="missing-fields">
          {status.missingRequired.map((f) => (
            <li key={f} className="badge bad">
              <span aria-hidden="true">✗</span> {t('status.missing', { field: t(`fields.${f}`) })}
            </li>
          ))}
          {status.missingRecommended.map((f) => (
            <li key={f} className="badge warn">
              <span aria-hidden="true">!</span> {t('status.recommended', { field: t(`fields.${f}`) })}
            </li>
          ))}
        </ul>
      )}
      <div className="table-scroll">
        <table className="table mapping-table">
          <thead>
            <tr>
              <th scope="col">{t('preview.row')}</th>
              {status.columns.map((c, i) => (
                <th scope="col" key={c.header}>
                  <label htmlFor={`map-${i}`} className="column-name">
                    {c.header}
                  </label>
                  <select
                    id={`map-${i}`}
                    aria-label={t('preview.columnFor', { header: c.header })}
                    value={c.field ?? ''}
                    onChange={(e) => choose(c.header, e.currentTarget.value)}
                  >
                    <option value="">{t('preview.ignore')}</option>
                    {ROSTER_FIELDS.map((f) => (
                      <option key={f} value={f}>
                        {t(`fields.${f}`)} ({t(`levels.${fieldLevel(f)}`)})
                      </option>
                    ))}
                  </select>
                  <StatusBadge status={c.status} field={c.field} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.preview.map((r) => (
              <tr key={r.row}>
                <td className="row-number">{formatNumber(r.row)}</td>
                {data.headers.map((h, i) => (
                  <td key={h} dir="auto">
                    {r.values[i] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <FieldError id="err-mapping" code={errors.mapping} />
      {save.error && !errors.mapping && <ErrorNotice code={errorCodeOf(save.error)} />}
      {data.mappingSaved && !dirty && (
        <p className="success" role="status">
          {t('preview.saved')}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={() => void submit()} disabled={save.isPending || (data.mappingSaved && !dirty)}>
          {t('preview.save')}
        </button>
      </div>
    </section>
  );
}

function Validation({ importId }: { importId: string }) {
  const { t } = useTranslation(['roster', 'common']);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const validation = useQuery(trpc.roster.validation.queryOptions({ importId }));
  const [downloadError, setDownloadError] = useState<unknown>(null);

  async function download() {
    setDownloadError(null);
    try {
      const { fileName, csv } = await queryClient.fetchQuery(
        trpc.roster.errorsCsv.queryOptions({ importId, language: currentLanguage() }, { staleTime: 0 }),
      );
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setDownloadError(error);
    }
  }

  if (validation.error) return <ErrorNotice code={errorCodeOf(validation.error)} onRetry={() => void validation.refetch()} />;
  const v = validation.data;
  return (
    <section className="card" aria-busy={!v}>
      <h2>{t('validation.title')}</h2>
      {!v && <p>{t('common:loading')}</p>}
      {v && v.errorCount === 0 && v.missingRequired.length === 0 && (
        <p className="success">
          <span aria-hidden="true">✓</span> {t('validation.ok')}
        </p>
      )}
      {v && v.errorCount > 0 && (
        <>
          <p className="alert">
            <span aria-hidden="true">✗</span> {t('validation.summary', { errors: formatNumber(v.errorCount), rows: formatNumber(v.rowsWithErrors) })}{' '}
            {t('validation.fixHint')}
          </p>
          {v.errorCount > v.errors.length && <p className="muted">{t('validation.shown', { count: ERROR_LIST_LIMIT })}</p>}
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('validation.row')}</th>
                  <th scope="col">{t('validation.field')}</th>
                  <th scope="col">{t('validation.problem')}</th>
                  <th scope="col">{t('validation.value')}</th>
                </tr>
              </thead>
              <tbody>
                {v.errors.map((e) => (
                  <tr key={`${e.row}-${e.field}-${e.code}`}>
                    <td>{formatNumber(e.row)}</td>
                    <td>{t(`fields.${e.field}`)}</td>
                    <td>
                      {t(`rowErrors.${e.code}`)}
                      {e.firstRow !== null && ` (${t('duplicateOf', { row: formatNumber(e.firstRow) })})`}
                    </td>
                    <td dir="auto">{e.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="actions">
            <button type="button" className="secondary" onClick={() => void download()}>
              {t('validation.download')}
            </button>
          </div>
          {downloadError !== null && <ErrorNotice code={errorCodeOf(downloadError)} />}
        </>
      )}
    </section>
  );
}

function Diff({ importId }: { importId: string }) {
  const { t } = useTranslation(['roster', 'common']);
  const trpc = useTRPC();
  const diff = useQuery(trpc.roster.diff.queryOptions({ importId }));
  if (diff.error) return <ErrorNotice code={errorCodeOf(diff.error)} onRetry={() => void diff.refetch()} />;
  const d = diff.data;
  return (
    <section className="card" aria-busy={!d}>
      <h2>{t('diff.title')}</h2>
      {!d && <p>{t('common:loading')}</p>}
      {d && (
        <>
          <div className="stats">
            {(['joiners', 'returning', 'leavers', 'changed', 'unchanged'] as const).map((k) => (
              <div className="stat" key={k}>
                <strong>{formatNumber(d[k])}</strong>
                {t(`diff.${k}`)}
              </div>
            ))}
          </div>
          <p className="muted">
            {t('diff.leaversNote')} {t('diff.listLimit', { count: DIFF_LIST_LIMIT })}
          </p>
          <div className="diff-lists">
            <div>
              <h3>{t('diff.joiners')}</h3>
              {d.joinerList.length === 0 ? (
                <p className="muted">{t('diff.none')}</p>
              ) : (
                <ul>
                  {d.joinerList.map((p) => (
                    <li key={p.email}>
                      <bdi>{p.name}</bdi> &lt;{p.email}&gt; {p.returning && <span className="badge">{t('diff.returningTag')}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <div>
              <h3>{t('diff.leavers')}</h3>
              {d.leaverList.length === 0 ? (
                <p className="muted">{t('diff.none')}</p>
              ) : (
                <ul>
                  {d.leaverList.map((p) => (
                    <li key={p.email}>
                      <bdi>{p.name}</bdi> &lt;{p.email}&gt;
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
          <h3>{t('diff.changed')}</h3>
          {d.changeList.length === 0 ? (
            <p className="muted">{t('diff.none')}</p>
          ) : (
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('diff.name')}</th>
                    <th scope="col">{t('diff.email')}</th>
                    <th scope="col">{t('diff.field')}</th>
                    <th scope="col">{t('diff.from')}</th>
                    <th scope="col">{t('diff.to')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.changeList.map((c) => (
                    <tr key={`${c.email}-${c.field}`}>
                      <td dir="auto">{c.name}</td>
                      <td>{c.email}</td>
                      <td>{t(`fields.${c.field}`)}</td>
                      <td dir="auto">{c.from ?? t('diff.empty')}</td>
                      <td dir="auto">{c.to ?? t('diff.empty')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Decision({
  importId,
  mappingSaved,
  onDone,
  onDiscarded,
}: {
  importId: string;
  mappingSaved: boolean;
  onDone: () => Promise<void>;
  onDiscarded: () => void;
}) {
  const { t } = useTranslation(['roster', 'common']);
  const trpc = useTRPC();
  const validation = useQuery({ ...trpc.roster.validation.queryOptions({ importId }), enabled: mappingSaved });
  const commit = useMutation(trpc.roster.commit.mutationOptions());
  const discard = useMutation(trpc.roster.discard.mutationOptions());
  const ready = mappingSaved && validation.data?.ready === true;

  async function apply() {
    if (await commit.mutateAsync({ importId }).catch(() => null)) await onDone();
  }
  async function drop() {
    if (!window.confirm(t('discard.confirm'))) return;
    if (await discard.mutateAsync({ importId }).catch(() => null)) {
      await onDone();
      onDiscarded();
    }
  }

  return (
    <section className="card">
      {!ready && <p className="muted">{t('apply.notReady')}</p>}
      {commit.error && <ErrorNotice code={errorCodeOf(commit.error)} />}
      {discard.error && <ErrorNotice code={errorCodeOf(discard.error)} />}
      <div className="actions">
        <button type="button" onClick={() => void apply()} disabled={!ready || commit.isPending}>
          {t('apply.button')}
        </button>
        <button type="button" className="danger" onClick={() => void drop()} disabled={discard.isPending || commit.isPending}>
          {t('discard.button')}
        </button>
      </div>
    </section>
  );
}

function RecentImports({ current, onOpen }: { current: string | null; onOpen: (id: string) => void }) {
  const { t } = useTranslation(['roster', 'common']);
  const trpc = useTRPC();
  const list = useQuery(trpc.roster.list.queryOptions());
  if (list.error) return <ErrorNotice code={errorCodeOf(list.error)} onRetry={() => void list.refetch()} />;
  return (
    <section className="card">
      <h2>{t('recent.title')}</h2>
      {list.data?.length === 0 && <p className="muted">{t('recent.empty')}</p>}
      {list.data && list.data.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('recent.file')}</th>
                <th scope="col">{t('recent.status')}</th>
                <th scope="col">{t('recent.rows')}</th>
                <th scope="col">{t('recent.uploaded')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('recent.open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((i) => (
                <tr key={i.id} aria-current={i.id === current ? 'true' : undefined}>
                  <td dir="auto">{i.fileName}</td>
                  <td>{t(`recent.statuses.${i.status}`)}</td>
                  <td>{formatNumber(i.rowCount)}</td>
                  <td>{formatDateTime(i.createdAt)}</td>
                  <td>
                    {i.id !== current && (
                      <button type="button" className="link" onClick={() => onOpen(i.id)}>
                        {t('recent.open')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
