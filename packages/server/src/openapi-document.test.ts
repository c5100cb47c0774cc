import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/support/corpus.ts';
import { generateOpenApiDocument } from './openapi-document.ts';

describe('OpenAPI document', () => {
  it('matches the committed docs/openapi.json (run `npm run openapi` after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'openapi.json'), 'utf8');
    expect(await generateOpenApiDocument()).toBe(committed);
  });

  it('is OpenAPI 3.1 and documents problem responses', async () => {
    const doc = JSON.parse(await generateOpenApiDocument()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/photos');
    expect(doc.components.schemas).toHaveProperty('Problem');
  });
});
