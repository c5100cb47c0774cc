import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { ApiError, NETWORK_ERROR } from '../api/client.tsx';
import { describeProblem, type ProblemLike } from '../api/problem-text.ts';
import { uploadPhoto } from '../api/upload.tsx';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useLibrary } from '../timeline/library.tsx';

type Status = 'queued' | 'uploading' | 'processing' | 'done' | 'duplicate' | 'failed' | 'cancelled';

interface Entry {
  key: number;
  name: string;
  size: number;
  loaded: number;
  status: Status;
  /** Why it failed: the server's problem (worded for the reader when shown), or a lost connection. */
  failure?: ProblemLike | 'network';
}

interface Uploads {
  add: (files: Iterable<File>) => void;
  openPicker: () => void;
}

const UploadContext = createContext<Uploads | null>(null);

const CONCURRENCY = 3;
export const ACCEPT = 'image/*,.heic,.heif,.avif,.dng,.cr2,.cr3,.nef,.arw,.orf,.rw2,.raf,.jxl';
const FINISHED: ReadonlySet<Status> = new Set(['done', 'duplicate', 'failed', 'cancelled']);

/**
 * Uploads files three at a time, each with its own progress and, on failure, the reason in the reader's language. Files come from
 * the picker or from a drop anywhere on the page; each new photo joins the timeline as soon as it is stored.
 */
export function UploadProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { insert } = useLibrary();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [collapsed, setCollapsed] = useState(false);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const queue = useRef<{ key: number; file: File }[]>([]);
  const controllers = useRef(new Map<number, AbortController>());
  const running = useRef(0);
  const nextKey = useRef(1);

  const update = useCallback((key: number, change: Partial<Entry>) => {
    setEntries((list) => list.map((entry) => (entry.key === key ? { ...entry, ...change } : entry)));
  }, []);

  const pump = useCallback(() => {
    while (running.current < CONCURRENCY && queue.current.length > 0) {
      const job = queue.current.shift();
      if (!job) break;
      running.current++;
      const controller = new AbortController();
      controllers.current.set(job.key, controller);
      update(job.key, { status: 'uploading' });
      uploadPhoto(
        job.file,
        (loaded, total) => update(job.key, { loaded, status: loaded >= total ? 'processing' : 'uploading' }),
        controller.signal,
      )
        .then((result) => {
          insert([result.photo]);
          update(job.key, { status: result.created ? 'done' : 'duplicate', loaded: job.file.size });
        })
        .catch((err: unknown) => {
          if (err instanceof DOMException && err.name === 'AbortError') {
            update(job.key, { status: 'cancelled' });
            return;
          }
          const failure =
            err instanceof ApiError && err.code !== NETWORK_ERROR
              ? { status: err.status, code: err.code, detail: err.detail }
              : 'network';
          update(job.key, { status: 'failed', failure });
        })
        .finally(() => {
          controllers.current.delete(job.key);
          running.current--;
          pump();
        });
    }
  }, [insert, update]);

  const add = useCallback(
    (files: Iterable<File>) => {
      const added: Entry[] = [];
      for (const file of files) {
        const key = nextKey.current++;
        queue.current.push({ key, file });
        added.push({ key, name: file.name, size: file.size, loaded: 0, status: 'queued' });
      }
      if (added.length === 0) return;
      setEntries((list) => list.concat(added));
      setCollapsed(false);
      pump();
    },
    [pump],
  );

  const cancel = (key: number) => {
    const queued = queue.current.findIndex((job) => job.key === key);
    if (queued >= 0) {
      queue.current.splice(queued, 1);
      update(key, { status: 'cancelled' });
    }
    controllers.current.get(key)?.abort();
  };

  const openPicker = useCallback(() => input.current?.click(), []);

  // A drop anywhere on the page uploads; the overlay shows only while files (not text or links) are dragged.
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      add(Array.from(e.dataTransfer?.files ?? []));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [add]);

  const value = useMemo(() => ({ add, openPicker }), [add, openPicker]);
  const finished = entries.filter((entry) => FINISHED.has(entry.status));
  const allDone = entries.length > 0 && finished.length === entries.length;
  const count = (status: Status) => entries.filter((entry) => entry.status === status).length;
  const heading = allDone
    ? t('upload.finished')
    : t('upload.progress', { done: finished.length, total: entries.length });

  return (
    <UploadContext.Provider value={value}>
      {children}
      <input
        ref={input}
        id="upload-input"
        hidden
        type="file"
        multiple
        accept={ACCEPT}
        aria-label={t('upload.choose')}
        onChange={(e) => {
          add(Array.from(e.currentTarget.files ?? []));
          e.currentTarget.value = '';
        }}
      />
      {dragging ? (
        <div className="dropzone" aria-hidden="true">
          <div className="dropzone__card">
            <Icon name="upload" width={40} height={40} />
            <p>{t('upload.dropHere')}</p>
          </div>
        </div>
      ) : null}
      {entries.length > 0 ? (
        <section className={`uploads${collapsed ? ' is-collapsed' : ''}`} aria-label={t('upload.title')}>
          <header className="uploads__head">
            <div>
              <h2 className="uploads__title" aria-live="polite">
                {heading}
              </h2>
              {allDone ? (
                <p className="uploads__summary">
                  {t('upload.summary', {
                    uploaded: count('done'),
                    duplicates: count('duplicate'),
                    failed: count('failed'),
                  })}
                </p>
              ) : null}
            </div>
            <button
              type="button"
              className="icon-button"
              aria-expanded={!collapsed}
              aria-label={collapsed ? t('upload.expand') : t('upload.collapse')}
              onClick={() => setCollapsed((c) => !c)}
            >
              <Icon name={collapsed ? 'left' : 'right'} style={{ transform: 'rotate(90deg)' }} />
            </button>
            {allDone ? (
              <button
                type="button"
                className="icon-button"
                aria-label={t('upload.close')}
                onClick={() => setEntries([])}
              >
                <Icon name="close" />
              </button>
            ) : null}
          </header>
          {collapsed ? null : (
            <ul className="uploads__list" tabIndex={0} aria-label={t('upload.title')}>
              {entries.map((entry) => (
                <UploadRow key={entry.key} entry={entry} onCancel={() => cancel(entry.key)} />
              ))}
            </ul>
          )}
          {!collapsed && finished.length > 0 && !allDone ? (
            <button
              type="button"
              className="link-button uploads__clear"
              onClick={() => setEntries((list) => list.filter((entry) => !FINISHED.has(entry.status)))}
            >
              {t('upload.clear')}
            </button>
          ) : null}
        </section>
      ) : null}
    </UploadContext.Provider>
  );
}

function UploadRow({ entry, onCancel }: { entry: Entry; onCancel: () => void }) {
  const { t, locale } = useI18n();
  const percent = entry.size > 0 ? Math.min(100, Math.round((entry.loaded / entry.size) * 100)) : 0;
  const label: Record<Status, string> = {
    queued: t('upload.queued'),
    uploading: t('upload.uploading', { percent }),
    processing: t('upload.processing'),
    done: t('upload.done'),
    duplicate: t('upload.duplicate'),
    failed: t('upload.failed'),
    cancelled: t('upload.cancelled'),
  };
  const active = entry.status === 'queued' || entry.status === 'uploading' || entry.status === 'processing';
  return (
    <li className={`upload upload--${entry.status}`}>
      <div className="upload__line">
        <span className="upload__name" title={entry.name}>
          {entry.name}
        </span>
        <span className="upload__status">
          {entry.status === 'done' ? <Icon name="check" width={16} height={16} /> : null}
          {entry.status === 'failed' ? <Icon name="warning" width={16} height={16} /> : null}
          {label[entry.status]}
        </span>
        {active ? (
          <button
            type="button"
            className="icon-button icon-button--small"
            aria-label={`${t('upload.cancel')}: ${entry.name}`}
            onClick={onCancel}
          >
            <Icon name="close" width={14} height={14} />
          </button>
        ) : null}
      </div>
      {entry.status === 'uploading' || entry.status === 'processing' ? (
        <div
          className="progress"
          role="progressbar"
          aria-label={entry.name}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <div className="progress__bar" style={{ width: `${percent}%` }} />
        </div>
      ) : null}
      {entry.failure ? (
        <p className="upload__reason">
          {entry.failure === 'network'
            ? t('upload.networkError')
            : describeProblem({ t, locale }, entry.failure)}
        </p>
      ) : null}
    </li>
  );
}

export function useUploads(): Uploads {
  const value = useContext(UploadContext);
  if (!value) throw new Error('useUploads() outside <UploadProvider>');
  return value;
}
