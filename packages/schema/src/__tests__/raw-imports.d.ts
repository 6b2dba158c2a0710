// Vite's `?raw` imports give a file's text; tests use it to check docs against the schemas.
declare module '*?raw' {
  const text: string;
  export default text;
}
