// A part of a language file's texts (text-parts.ts), made by the build (vite.config.ts).
declare module '*.json?part=core' {
  const texts: Record<string, unknown>;
  export default texts;
}

declare module '*.json?part=rest' {
  const texts: Record<string, unknown>;
  export default texts;
}
