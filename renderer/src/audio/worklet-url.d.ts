// Vite's "?worker&url" import: the built URL of a module bundled on its own (the listening
// worklet). The renderer's tsconfig has no vite/client types, so this one is declared here.
declare module '*?worker&url' {
  const url: string;
  export default url;
}
