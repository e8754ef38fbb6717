import { INestApplication } from '@nestjs/common';

/** Every route an app serves (`METHOD /path/:param`), read from the Express router Nest registered them on (not from a list). */
export function servedRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance();
  const router = express.router ?? express._router;
  const layers = router.stack as { route?: { path: string; methods: Record<string, boolean> } }[];
  const routes = layers
    .filter((layer) => layer.route)
    .flatMap((layer) => Object.keys(layer.route!.methods).filter((method) => method !== '_all').map((method) => `${method.toUpperCase()} ${layer.route!.path}`));
  return [...new Set(routes)];
}

/** A concrete path for a route pattern: each `:param` from `values`, else `fallback(name)`. */
export function concretePath(path: string, values: Record<string, string>, fallback: (name: string) => string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? fallback(name)));
}
