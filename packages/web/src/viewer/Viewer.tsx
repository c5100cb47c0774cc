import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type WheelEvent,
} from 'react';
import { api, call, mediaUrl, type Photo } from '../api/client.tsx';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { InfoPanel } from './InfoPanel.tsx';

/** Formats a browser can show; other originals (HEIC, RAW) stay behind their preview. */
const DISPLAYABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);
const MIN_SCALE = 1;
const MAX_SCALE = 8;
const INFO_KEY = 'shoebox.viewer.info';

interface ViewerProps {
  id: string;
  neighbours: (id: string) => { previous: string | null; next: string | null };
  onNavigate: (id: string) => void;
  onClose: () => void;
  /** When given, the viewer offers "Move to trash" and moves on to the next photo. */
  onTrash?: (id: string) => void;
}

interface Zoom {
  scale: number;
  x: number;
  y: number;
}
const FIT: Zoom = { scale: 1, x: 0, y: 0 };

/** Full-screen photo viewer: preview first, then the original; ←/→ to move, Esc to close, zoom and pan. */
export default function Viewer({ id, neighbours, onNavigate, onClose, onTrash }: ViewerProps) {
  const { t, fmt } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const [photo, setPhoto] = useState<Photo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [previewFailed, setPreviewFailed] = useState(false);
  // The preview often loads before GET /photos/{id} answers; the original waits for both.
  const [previewLoaded, setPreviewLoaded] = useState(false);
  const [original, setOriginal] = useState<string | null>(null);
  const [zoom, setZoom] = useState<Zoom>(FIT);
  const [info, setInfo] = useState(
    () => localStorage.getItem(INFO_KEY) === 'open' || window.innerWidth >= 1200,
  );
  const drag = useRef<{ x: number; y: number; startX: number; startY: number; moved: boolean } | null>(null);
  const { previous, next } = neighbours(id);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const currentId = useRef(id);
  currentId.current = id;

  // The viewer is a modal <dialog>: the top layer, a focus trap, and Esc for free.
  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    const opener = document.activeElement as HTMLElement | null;
    el.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    el.addEventListener('cancel', cancel);
    return () => {
      el.removeEventListener('cancel', cancel);
      el.close();
      opener?.focus?.({ preventScroll: true });
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    setPhoto(null);
    setError(null);
    setPreviewFailed(false);
    setPreviewLoaded(false);
    setOriginal(null);
    setZoom(FIT);
    call(api.GET('/photos/{id}', { params: { path: { id } } }))
      .then((p) => {
        if (!cancelled) setPhoto(p);
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : String(err));
      });
    return () => {
      cancelled = true;
    };
  }, [id]);

  // Warm the neighbours' previews so ←/→ feel instant.
  useEffect(() => {
    for (const other of [previous, next]) {
      if (other) new Image().src = mediaUrl(other, 'preview');
    }
  }, [previous, next]);

  /** Once the preview is up, fetch the original in the background and swap it in when decoded. */
  const loadOriginal = useCallback(() => {
    if (!photo || !DISPLAYABLE.has(photo.mime) || original) return;
    const src = mediaUrl(photo.id, 'original');
    const image = new Image();
    image.src = src;
    image
      .decode()
      .then(() => {
        if (photo.id === currentId.current) setOriginal(src);
      })
      .catch(() => undefined);
  }, [photo, original]);

  useEffect(() => {
    if (photo && (previewFailed || previewLoaded)) loadOriginal();
  }, [photo, previewFailed, previewLoaded, loadOriginal]);

  const zoomAt = useCallback((factor: number, cx?: number, cy?: number) => {
    setZoom((z) => {
      const rect = stage.current?.getBoundingClientRect();
      const px = cx ?? (rect ? rect.width / 2 : 0);
      const py = cy ?? (rect ? rect.height / 2 : 0);
      const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, z.scale * factor));
      if (scale === MIN_SCALE) return FIT;
      const k = scale / z.scale;
      return { scale, x: px - (px - z.x) * k, y: py - (py - z.y) * k };
    });
  }, []);

  const toggleInfo = () =>
    setInfo((open) => {
      localStorage.setItem(INFO_KEY, open ? 'closed' : 'open');
      return !open;
    });

  const trash = () => {
    if (!onTrash) return;
    onTrash(id);
    if (next) onNavigate(next);
    else if (previous) onNavigate(previous);
    else onClose();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement) return;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => previous && onNavigate(previous),
      ArrowRight: () => next && onNavigate(next),
      '+': () => zoomAt(1.5),
      '=': () => zoomAt(1.5),
      '-': () => zoomAt(1 / 1.5),
      '0': () => setZoom(FIT),
      i: toggleInfo,
      Delete: trash,
    };
    const action = keys[e.key];
    if (action && !e.metaKey && !e.ctrlKey && !e.altKey) {
      e.preventDefault();
      action();
    }
  };

  const local = (e: { clientX: number; clientY: number }) => {
    const rect = stage.current?.getBoundingClientRect();
    return { x: e.clientX - (rect?.left ?? 0), y: e.clientY - (rect?.top ?? 0) };
  };

  const onWheel = (e: WheelEvent) => {
    const p = local(e);
    zoomAt(Math.exp(-e.deltaY * 0.0015), p.x, p.y);
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).closest('button')) return;
    drag.current = { x: zoom.x, y: zoom.y, startX: e.clientX, startY: e.clientY, moved: false };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.startX;
    const dy = e.clientY - d.startY;
    if (Math.abs(dx) + Math.abs(dy) > 4) d.moved = true;
    if (zoom.scale > 1) setZoom((z) => ({ ...z, x: d.x + dx, y: d.y + dy }));
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || zoom.scale > 1) return;
    // At fit size a horizontal swipe moves between photos (phones).
    const dx = e.clientX - d.startX;
    if (Math.abs(dx) > 60 && Math.abs(dx) > Math.abs(e.clientY - d.startY)) {
      if (dx < 0 && next) onNavigate(next);
      if (dx > 0 && previous) onNavigate(previous);
    }
  };

  useEffect(() => {
    if (zoom.scale > 1) loadOriginal();
  }, [zoom.scale, loadOriginal]);

  const showOriginalBadge = photo !== null && DISPLAYABLE.has(photo.mime);
  const noPreview = previewFailed && !original && photo !== null && !DISPLAYABLE.has(photo.mime);

  return (
    <dialog
      ref={dialog}
      className={`viewer${info ? ' viewer--info' : ''}`}
      aria-label={t('viewer.dialog')}
      onKeyDown={onKeyDown}
    >
      <div className="viewer__toolbar">
        <button
          type="button"
          className="viewer__button"
          onClick={onClose}
          aria-label={t('viewer.close')}
          autoFocus
        >
          <Icon name="back" />
        </button>
        <div className="viewer__spacer" />
        {showOriginalBadge ? (
          <span className={`viewer__quality${original ? ' is-original' : ''}`}>
            {original ? t('viewer.original') : t('viewer.previewOnly')}
          </span>
        ) : null}
        <button
          type="button"
          className="viewer__button"
          onClick={() => zoomAt(1 / 1.5)}
          disabled={zoom.scale <= 1}
          aria-label={t('viewer.zoomOut')}
        >
          <Icon name="zoomOut" />
        </button>
        <button
          type="button"
          className="viewer__button"
          onClick={() => zoomAt(1.5)}
          disabled={zoom.scale >= MAX_SCALE}
          aria-label={t('viewer.zoomIn')}
        >
          <Icon name="zoomIn" />
        </button>
        <button
          type="button"
          className="viewer__button"
          onClick={() => setZoom(FIT)}
          disabled={zoom.scale === 1}
          aria-label={t('viewer.resetZoom')}
        >
          <Icon name="fit" />
        </button>
        <a
          className="viewer__button"
          href={mediaUrl(id, 'original', { download: true })}
          download
          aria-label={t('viewer.download')}
        >
          <Icon name="download" />
        </a>
        {onTrash ? (
          <button type="button" className="viewer__button" onClick={trash} aria-label={t('viewer.trash')}>
            <Icon name="trash" />
          </button>
        ) : null}
        <button
          type="button"
          className={`viewer__button${info ? ' is-active' : ''}`}
          onClick={toggleInfo}
          aria-pressed={info}
          aria-label={t('viewer.info')}
        >
          <Icon name="info" />
        </button>
      </div>

      <div
        ref={stage}
        className={`viewer__stage${zoom.scale > 1 ? ' is-zoomed' : ''}`}
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onDoubleClick={(e) => {
          const p = local(e);
          if (zoom.scale > 1) setZoom(FIT);
          else zoomAt(2.5, p.x, p.y);
        }}
      >
        <div
          className="viewer__canvas"
          style={{ transform: `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})` }}
        >
          {error ? (
            <p className="viewer__message" role="alert">
              {t('viewer.loadFailed', { reason: error })}
            </p>
          ) : noPreview ? (
            <p className="viewer__message">{t('viewer.noPreview', { reason: photo?.media.note ?? '—' })}</p>
          ) : (
            <>
              {previewFailed ? null : (
                <img
                  key={`p${id}`}
                  className="viewer__image"
                  src={mediaUrl(id, 'preview')}
                  alt={
                    photo?.captureTime
                      ? t('photo.alt', { date: fmt.wallClock(photo.captureTime) })
                      : (photo?.claims.fileName ?? t('photo.altNoDate'))
                  }
                  draggable={false}
                  onLoad={() => setPreviewLoaded(true)}
                  onError={() => setPreviewFailed(true)}
                />
              )}
              {original ? (
                <img
                  key={`o${id}`}
                  className="viewer__image viewer__image--original"
                  src={original}
                  alt=""
                  draggable={false}
                />
              ) : null}
            </>
          )}
        </div>
        {previous ? (
          <button
            type="button"
            className="viewer__nav viewer__nav--prev"
            onClick={() => onNavigate(previous)}
            aria-label={t('viewer.previous')}
          >
            <Icon name="left" width={28} height={28} />
          </button>
        ) : null}
        {next ? (
          <button
            type="button"
            className="viewer__nav viewer__nav--next"
            onClick={() => onNavigate(next)}
            aria-label={t('viewer.next')}
          >
            <Icon name="right" width={28} height={28} />
          </button>
        ) : null}
      </div>

      {info ? (
        <aside className="viewer__info" aria-label={t('info.title')}>
          <button
            type="button"
            className="viewer__info-close icon-button"
            onClick={toggleInfo}
            aria-label={t('common.close')}
          >
            <Icon name="close" />
          </button>
          {photo ? <InfoPanel photo={photo} /> : null}
        </aside>
      ) : null}
    </dialog>
  );
}
