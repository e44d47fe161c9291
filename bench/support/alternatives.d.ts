// The alternatives ship no types; the benchmark uses only their WebAssembly-shaped surface.
declare module 'polywasm' {
  export const WebAssembly: unknown;
}
declare module 'webassemblyjs' {
  const api: unknown;
  export default api;
}
