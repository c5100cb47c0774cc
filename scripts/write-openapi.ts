// Regenerates docs/openapi.json from the code (`npm run openapi`). A test fails when the two differ.
import fs from 'node:fs';
import { generateOpenApiDocument } from '../packages/server/src/openapi-document.ts';

fs.writeFileSync(new URL('../docs/openapi.json', import.meta.url), await generateOpenApiDocument());
process.stdout.write('docs/openapi.json written\n');
