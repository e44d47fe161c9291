// Loaded with `node --import` before typedoc: typedoc reads the sources through TypeScript's
// JavaScript API, which TypeScript 7 (the project's compiler, a native binary) does not have.
// Wherever typedoc imports 'typescript' it gets the oldest TypeScript the package supports,
// installed as the dev dependency typescript-min. (package.json's override only tells npm that
// typedoc's peer is satisfied; this is where it is.)
import { register } from 'node:module';

const hooks = `export async function resolve(specifier, context, next) {
  return next(specifier === 'typescript' ? 'typescript-min' : specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
