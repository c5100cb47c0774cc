import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.ts';

export function openApiDocument(api: OpenAPIHono<AppEnv>, version: string) {
  return api.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Shoebox API',
      version,
      description:
        'The HTTP API of Shoebox, a self-hostable photo cloud. Errors are `application/problem+json` documents with a stable `code`.',
    },
    servers: [{ url: '/api' }],
  });
}

/** Serves the OpenAPI document and a browsable reference that needs nothing from the internet. */
export function mountApiDocs(app: OpenAPIHono<AppEnv>, api: OpenAPIHono<AppEnv>, version: string): void {
  let cached: string | undefined;
  app.get('/api/openapi.json', (c) => {
    cached ??= JSON.stringify(openApiDocument(api, version));
    return c.body(cached, 200, { 'content-type': 'application/json' });
  });
  app.get('/api/docs', (c) => c.html(DOCS_PAGE));
}

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Shoebox API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:960px;margin:auto;padding:24px}
h1{font-size:24px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
details{background:#fff;border:1px solid #e3e3e3;border-radius:8px;margin:8px 0;padding:8px 12px}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}pre{background:#f4f4f4;padding:8px;overflow:auto;border-radius:6px}
.m{display:inline-block;width:64px;font-weight:600;text-transform:uppercase}
.get{color:#0a7}.post{color:#06c}.put,.patch{color:#b70}.delete{color:#c33}
</style></head>
<body><main><h1>Shoebox API reference</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p><div id="root">Loading…</div></main>
<script>
fetch('/api/openapi.json').then(r=>r.json()).then(doc=>{
  const esc=s=>String(s??'').replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  const byTag={};
  for(const [p,ops] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ops)){const t=(op.tags||['other'])[0];(byTag[t]??=[]).push({p,m,op});}
  let html='';
  for(const [tag,list] of Object.entries(byTag)){
    html+='<h2>'+esc(tag)+'</h2>';
    for(const {p,m,op} of list){
      html+='<details><summary><span class="m '+m+'">'+m+'</span><code>/api'+esc(p)+'</code> — '+esc(op.summary)+'</summary>';
      if(op.description)html+='<p>'+esc(op.description)+'</p>';
      if(op.parameters)html+='<p><b>Parameters</b></p><pre>'+esc(JSON.stringify(op.parameters,null,2))+'</pre>';
      if(op.requestBody)html+='<p><b>Request body</b></p><pre>'+esc(JSON.stringify(op.requestBody.content,null,2))+'</pre>';
      html+='<p><b>Responses</b></p><pre>'+esc(JSON.stringify(op.responses,null,2))+'</pre></details>';
    }
  }
  html+='<h2>Schemas</h2>';
  for(const [name,s] of Object.entries(doc.components?.schemas||{}))html+='<details><summary><code>'+esc(name)+'</code></summary><pre>'+esc(JSON.stringify(s,null,2))+'</pre></details>';
  document.getElementById('root').innerHTML=html;
});
</script></body></html>`;
