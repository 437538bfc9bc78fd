// Every place where a public type of the @ig packages is `any`, given a TypeScript program whose
// entry file imports each entry point (typecheck.mjs runs it). It walks each entry point's exports:
// a function's parameters and result, a class's public members, an interface's properties, and the
// type arguments of what they reference (Promise<…>, arrays, …), without descending into other
// packages' types.

// protobufjs generates `{ [k: string]: any }` for the plain-object forms of its messages
// (toObject, fromObject, toJSON); @ig/onnx exports that schema as `onnx` and keeps it as generated.
const GENERATED = new Set(['onnx']);

const isOurs = (declaration) => /[\\/]node_modules[\\/]@ig[\\/]/.test(declaration.getSourceFile().fileName);

/** The paths (`@ig/core tensor(data)`, `… .reports<0>.delta`) whose type is `any`. */
export function publicAny(ts, program, entryFile) {
  const checker = program.getTypeChecker();
  const found = new Set();
  const seen = new Set();

  function visit(type, path, depth) {
    if (type.flags & ts.TypeFlags.Any) {
      found.add(path);
      return;
    }
    if (seen.has(type) || depth > 8) return;
    seen.add(type);
    if (type.isUnionOrIntersection()) {
      for (const member of type.types) visit(member, path, depth + 1);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    if (type.objectFlags & ts.ObjectFlags.Reference) {
      // A type parameter's default left in place (Iterable<T>'s TReturn = any) is the library's choice.
      const parameters = type.target.typeParameters ?? [];
      checker.getTypeArguments(type).forEach((argument, i) => {
        const fallback = parameters[i] && checker.getDefaultFromTypeParameter(parameters[i]);
        if (fallback !== argument) visit(argument, `${path}<${i}>`, depth + 1);
      });
    }
    const declarations = (type.aliasSymbol ?? type.getSymbol())?.declarations ?? [];
    if (declarations.length > 0 && !declarations.some(isOurs)) return;
    for (const [kind, signatures] of [
      ['', type.getCallSignatures()],
      ['new ', type.getConstructSignatures()],
    ]) {
      for (const signature of signatures) {
        for (const parameter of signature.getParameters()) visit(checker.getTypeOfSymbol(parameter), `${kind}${path}(${parameter.getName()})`, depth + 1);
        visit(signature.getReturnType(), `${kind}${path}()`, depth + 1);
      }
    }
    for (const property of type.getProperties()) {
      if (!property.declarations?.some(isOurs)) continue;
      if (ts.getDeclarationModifierFlagsFromSymbol(property) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      visit(checker.getTypeOfSymbol(property), `${path}.${property.getName()}`, depth + 1);
    }
    for (const info of checker.getIndexInfosOfType(type)) visit(info.type, `${path}[]`, depth + 1);
  }

  for (const statement of program.getSourceFile(entryFile).statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier.text;
    const moduleSymbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (moduleSymbol === undefined) {
      found.add(`${specifier}: does not resolve`);
      continue;
    }
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      if (GENERATED.has(exported.getName())) continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const where = `${specifier} ${exported.getName()}`;
      if (symbol.flags & ts.SymbolFlags.Value) visit(checker.getTypeOfSymbol(symbol), where, 0);
      if (symbol.flags & ts.SymbolFlags.Type) visit(checker.getDeclaredTypeOfSymbol(symbol), where, 0);
    }
  }
  return [...found];
}
