/**
 * Walks a built package's public type declarations with the TypeScript compiler API (the
 * oldest TypeScript the package supports, installed as typescript-min: TypeScript 7 has no
 * JavaScript API) and finds the declarations they name that no public entry point exports, the
 * types a user can see but not write down.
 */
import { join, relative, sep } from 'node:path';
import ts from 'typescript-min';

export interface UnexportedType {
  /** The declaration's name and where it is, relative to the package. */
  readonly name: string;
  readonly file: string;
  /** Public names (or unexported types) whose declarations name it, a few. */
  readonly namedBy: readonly string[];
}

/** `entries` are .d.ts files relative to `packageDir`, one per public entry point. */
export function unexportedTypes(packageDir: string, entries: readonly string[]): UnexportedType[] {
  const files = entries.map((entry) => join(packageDir, entry));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const ours = (node: ts.Node) => !relative(packageDir, node.getSourceFile().fileName).startsWith('..') && !node.getSourceFile().fileName.includes(`${sep}node_modules${sep}`);
  const resolve = (symbol: ts.Symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);

  const exported = new Set<ts.Symbol>();
  for (const file of files) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${file}: not a module the compiler could read`);
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) exported.add(resolve(symbol));
  }
  const isPublic = (symbol: ts.Symbol): boolean => {
    if (exported.has(symbol)) return true;
    // An enum member, or a member of an exported namespace, is as public as its parent.
    const parent = (symbol as { parent?: ts.Symbol }).parent;
    return parent !== undefined && !(parent.flags & ts.SymbolFlags.ValueModule && parent.valueDeclaration && ts.isSourceFile(parent.valueDeclaration)) && isPublic(parent);
  };

  const missing = new Map<ts.Symbol, { name: string; file: string; namedBy: Set<string> }>();
  const seen = new Set<ts.Symbol>();
  const queue: Array<{ symbol: ts.Symbol; name: string }> = [...exported].map((symbol) => ({ symbol, name: symbol.getName() }));
  while (queue.length > 0) {
    const { symbol, name } = queue.pop()!;
    if (seen.has(symbol)) continue;
    seen.add(symbol);
    for (const declaration of symbol.declarations ?? []) {
      if (!ours(declaration)) continue;
      const visit = (node: ts.Node): void => {
        let reference: ts.Node | undefined;
        if (ts.isTypeReferenceNode(node)) reference = node.typeName;
        else if (ts.isExpressionWithTypeArguments(node)) reference = node.expression;
        else if (ts.isTypeQueryNode(node)) reference = node.exprName;
        else if (ts.isImportTypeNode(node)) reference = node.qualifier;
        const target = reference && checker.getSymbolAtLocation(reference);
        if (target) {
          const resolved = resolve(target);
          const declared = resolved.declarations?.find(ours);
          if (declared && !(resolved.flags & ts.SymbolFlags.TypeParameter)) {
            if (!isPublic(resolved)) {
              const entry = missing.get(resolved) ?? { name: resolved.getName(), file: relative(packageDir, declared.getSourceFile().fileName), namedBy: new Set<string>() };
              entry.namedBy.add(name);
              missing.set(resolved, entry);
            }
            queue.push({ symbol: resolved, name: resolved.getName() });
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(declaration);
    }
  }
  return [...missing.values()]
    .map((m) => ({ name: m.name, file: m.file, namedBy: [...m.namedBy].sort().slice(0, 5) }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name));
}
