import type { Throughput } from './ceiling.ts';
import type { ServerRun } from './ingest-phases.ts';
import { fmt, type Row } from './report.ts';

/** Measured on this machine class (2 cores) with 200 such 12 MP, ~3.3 MB JPEGs. */
export const ANCHORS = {
  sharpAlonePhotosPerSecond: 11,
  immich: { version: '2.7.5', photos: 200, secondsToThumbnails: 91, uploadMBps: 95, peakRssBytes: 1.3e9 },
  syncthingMBps: 88,
} as const;

export const TARGETS = { endToEndOfCeiling: 0.8, uploadMBps: 90, peakRssBytes: 400e6 } as const;

export interface IngestFigures {
  ceilings: Record<'renderDerivatives' | 'plainSharp', { generated: Throughput; all: Throughput }>;
  upload: ServerRun;
  e2e: ServerRun;
  concurrency: number;
}

const none = { anchor: '', ratio: '', target: '', met: null };

/** The same comparison in CPU time, which other load on the machine does not change much. */
function cpuRow(e2e: ServerRun, ceiling: Throughput): Row {
  const perPhoto = (t: Throughput) => (t.cpuSeconds / t.files) * 1000;
  const ratio = perPhoto(ceiling) / perPhoto(e2e);
  return {
    figure: 'CPU per photo: server end-to-end vs ceiling',
    value: `${fmt.n(perPhoto(e2e), 0)} ms CPU`,
    anchor: `${fmt.n(perPhoto(ceiling), 0)} ms CPU (renderDerivatives)`,
    ratio: fmt.pct(ratio),
    target: `>= ${fmt.pct(TARGETS.endToEndOfCeiling)} (load-independent)`,
    met: ratio >= TARGETS.endToEndOfCeiling,
  };
}

export function ingestRows({ ceilings, upload, e2e }: IngestFigures): Row[] {
  const { renderDerivatives: render, plainSharp: plain } = ceilings;
  const immichRate = ANCHORS.immich.photos / ANCHORS.immich.secondsToThumbnails;
  const sharpAnchor = `sharp alone ${ANCHORS.sharpAlonePhotosPerSecond} photos/s`;
  const photos = (t: Throughput) => `${fmt.n(t.photosPerSecond)} photos/s`;
  const vsCeiling = (ceiling: Throughput, label: string): Row => {
    const ratio = e2e.photosPerSecond / ceiling.photosPerSecond;
    return {
      figure: `end-to-end vs ${label}`,
      value: photos(e2e),
      anchor: `${photos(ceiling)} (${label})`,
      ratio: fmt.pct(ratio),
      target: `>= ${fmt.pct(TARGETS.endToEndOfCeiling)} of ceiling`,
      met: ratio >= TARGETS.endToEndOfCeiling,
    };
  };
  const rss = (run: ServerRun, label: string): Row => ({
    figure: `peak server RSS, ${label}`,
    value: fmt.mb(run.peakRssBytes),
    anchor: `Immich ${(ANCHORS.immich.peakRssBytes / 1e9).toFixed(1)} GB`,
    ratio: fmt.x(run.peakRssBytes / ANCHORS.immich.peakRssBytes),
    target: `< ${fmt.mb(TARGETS.peakRssBytes)}`,
    met: run.peakRssBytes < TARGETS.peakRssBytes,
  });
  return [
    {
      figure: `ceiling: renderDerivatives in-process, ${render.generated.files} x 12 MP`,
      value: photos(render.generated),
      anchor: sharpAnchor,
      ratio: fmt.x(render.generated.photosPerSecond / ANCHORS.sharpAlonePhotosPerSecond),
      target: '',
      met: null,
    },
    {
      figure: `ceiling: plain sharp in-process, ${plain.generated.files} x 12 MP`,
      value: photos(plain.generated),
      anchor: sharpAnchor,
      ratio: fmt.x(plain.generated.photosPerSecond / ANCHORS.sharpAlonePhotosPerSecond),
      target: '',
      met: null,
    },
    {
      figure: `ceiling: renderDerivatives, all ${render.all.files} files`,
      value: photos(render.all),
      ...none,
    },
    {
      figure: `ceiling: plain sharp, all files (${plain.all.failed} undecodable)`,
      value: photos(plain.all),
      ...none,
    },
    vsCeiling(render.all, 'renderDerivatives'),
    vsCeiling(plain.all, 'plain sharp'),
    cpuRow(e2e, render.all),
    {
      figure: `end-to-end: ${e2e.files} files until every thumbnail exists`,
      value: `${fmt.s(e2e.seconds)} (${photos(e2e)})`,
      anchor: `Immich ${ANCHORS.immich.version} ${ANCHORS.immich.secondsToThumbnails} s / 200 (${fmt.n(immichRate)}/s)`,
      ratio: fmt.x(e2e.photosPerSecond / immichRate),
      target: '',
      met: null,
    },
    { figure: 'end-to-end throughput', value: `${fmt.n(e2e.mbPerSecond)} MB/s`, ...none },
    {
      figure: 'upload alone (--media-workers 0)',
      value: `${fmt.n(upload.mbPerSecond)} MB/s`,
      anchor: `Immich ${ANCHORS.immich.uploadMBps} MB/s, paused`,
      ratio: fmt.x(upload.mbPerSecond / ANCHORS.immich.uploadMBps),
      target: `>= ${TARGETS.uploadMBps} MB/s`,
      met: upload.mbPerSecond >= TARGETS.uploadMBps,
    },
    {
      figure: 'upload alone: server CPU per MB',
      value: `${fmt.n((upload.cpuSeconds / upload.bytes) * 1e9, 1)} ms CPU/MB`,
      anchor: '',
      ratio: `${fmt.n(upload.bytes / 1e6 / upload.cpuSeconds, 0)} MB per CPU-second`,
      target: `>= ${TARGETS.uploadMBps} MB per CPU-s (load-independent)`,
      met: upload.bytes / 1e6 / upload.cpuSeconds >= TARGETS.uploadMBps,
    },
    {
      figure: 'upload alone vs Syncthing',
      value: `${fmt.n(upload.mbPerSecond)} MB/s`,
      anchor: `Syncthing ${ANCHORS.syncthingMBps} MB/s`,
      ratio: fmt.x(upload.mbPerSecond / ANCHORS.syncthingMBps),
      target: '',
      met: null,
    },
    rss(e2e, 'end-to-end'),
    rss(upload, 'upload alone'),
  ];
}
