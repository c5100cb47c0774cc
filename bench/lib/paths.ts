import path from 'node:path';

/** The repository root (bench/lib/ is two levels down). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BENCH_DIR = path.join(REPO_ROOT, 'bench');
/** Generated inputs, kept between runs (git-ignored by bench/.gitignore). */
export const CACHE_DIR = path.join(BENCH_DIR, '.cache');
/** Result files (git-ignored by the root .gitignore). */
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
/** The shared photo corpus beside the repository, as the tests find it. */
export const CORPUS = path.resolve(REPO_ROOT, '..', 'shared', 'corpus', 'photos');
