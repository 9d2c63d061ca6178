// custom-elements.json is generated from each element's class JSDoc (@slot, @event, @csspart, @cssproperty).
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/internal/test-helpers.ts', 'src/internal/mock-api.ts', 'src/chat/loader.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      // Events are documented with @event; drop the analyzer's guesses from dispatchEvent(new X(...)).
      name: 'casekit-events-from-jsdoc',
      packageLinkPhase({ customElementsManifest }) {
        // The analyzer lists modules in file-system order, which differs between machines; sort by
        // code point, not localeCompare, whose order depends on the machine's locale.
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        for (const mod of customElementsManifest.modules) {
          for (const decl of mod.declarations ?? []) {
            if (decl.events) decl.events = decl.events.filter((e) => e.name?.startsWith('casekit-'));
          }
        }
      },
    },
  ],
};
