let release: () => void = () => undefined;

/** Settles when a form-filling page first showed its form (its fields on the page and typeable). */
export const formShown = new Promise<void>((resolve) => {
  release = resolve;
});

/**
 * Called by the record form when its fields are first committed to the page: code the form does not
 * need to be shown and typed into (the formula engine, the realtime client) is fetched from here on.
 * Also leaves a `formloom:form-shown` performance mark, the moment the route bench measures up to.
 */
export function markFormShown(): void {
  performance.mark('formloom:form-shown');
  release();
}

/** True on the routes that fill in or edit a record (`/apps/:app/forms/:form/new`, `.../records/:id/edit`). */
export function isFormFillingPath(pathname: string): boolean {
  return /^\/apps\/[^/]+\/forms\/[^/]+\/(new|records\/[^/]+\/edit)\/?$/.test(pathname);
}
