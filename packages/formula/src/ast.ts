/** Binary operators after normalisation (`&` is concatenation; `=`/`<>` are read as `==`/`!=`). */
export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '&'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'and'
  | 'or';

/** Prefix operators. */
export type UnaryOp = '-' | '+' | 'not';

interface Span {
  /** 0-based offset of the node's first character in the source. */
  readonly pos: number;
  /** Offset just past the node's last character. */
  readonly end: number;
}

/** The formula syntax tree, with source spans for errors and explain traces. */
export type FormulaNode =
  | (Span & { readonly kind: 'literal'; readonly value: number | string | boolean })
  | (Span & { readonly kind: 'array'; readonly items: readonly FormulaNode[] })
  | (Span & { readonly kind: 'ref'; readonly key: string })
  | (Span & { readonly kind: 'unary'; readonly op: UnaryOp; readonly arg: FormulaNode })
  | (Span & {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly left: FormulaNode;
      readonly right: FormulaNode;
    })
  | (Span & {
      readonly kind: 'cond';
      readonly test: FormulaNode;
      readonly then: FormulaNode;
      readonly otherwise: FormulaNode;
    })
  | (Span & { readonly kind: 'call'; readonly name: string; readonly args: readonly FormulaNode[] });
