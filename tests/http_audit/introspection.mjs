// Checks that a running server answers graphql-js's full introspection query
// (the one GraphiQL, codegen tools and Apollo tooling send) with a schema that
// graphql-js can rebuild.
//
//   node tests/http_audit/introspection.mjs http://127.0.0.1:PORT/graphql
//       POSTs the query as JSON; checks that buildClientSchema(data) succeeds and
//       that the schema has the types Query, Mutation and Subscription. Prints
//       PASS or FAIL (with the reason); exits 1 on failure, 2 on usage errors.
//   node tests/http_audit/introspection.mjs --stats
//       Prints only numbers about the query, one `name value` per line, for
//       choosing parser and validation limits (no server needed):
//         tokens       lexical tokens (graphql-js Lexer, <EOF> excluded)
//         max_nesting  deepest nesting of { [ ( brackets
//         field_depth  deepest field nesting with fragments inlined (what
//                      async-graphql's limit_depth measures)
//   node tests/http_audit/introspection.mjs --write-query
//       (Re)writes introspection-query.graphql beside this script: the exact
//       query text sent, byte for byte (it starts with a newline and ends in
//       two spaces), so the Rust tests can send the same document.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  buildClientSchema,
  getIntrospectionQuery,
  parse,
  version,
} from 'graphql';

const QUERY_FILE = fileURLToPath(new URL('./introspection-query.graphql', import.meta.url));
const REQUIRED_TYPES = ['Query', 'Mutation', 'Subscription'];

export const query = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});

function usage(message) {
  if (message) console.error(message);
  console.error(
    'usage: node tests/http_audit/introspection.mjs http://127.0.0.1:PORT/graphql\n' +
      '       node tests/http_audit/introspection.mjs --stats\n' +
      '       node tests/http_audit/introspection.mjs --write-query',
  );
  process.exit(2);
}

function countTokens(text) {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  // advance() skips comments; <EOF> is not counted.
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
}

function maxBracketNesting(text) {
  const lexer = new Lexer(new Source(text));
  let depth = 0;
  let max = 0;
  for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
    if (
      token.kind === TokenKind.BRACE_L ||
      token.kind === TokenKind.BRACKET_L ||
      token.kind === TokenKind.PAREN_L
    ) {
      depth += 1;
      max = Math.max(max, depth);
    } else if (
      token.kind === TokenKind.BRACE_R ||
      token.kind === TokenKind.BRACKET_R ||
      token.kind === TokenKind.PAREN_R
    ) {
      depth -= 1;
    }
  }
  return max;
}

function maxFieldDepth(text) {
  const document = parse(text);
  const fragments = new Map(
    document.definitions
      .filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const depthOf = (selectionSet, seen) => {
    let max = 0;
    for (const selection of selectionSet ? selectionSet.selections : []) {
      if (selection.kind === Kind.FIELD) {
        max = Math.max(max, 1 + depthOf(selection.selectionSet, seen));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, depthOf(selection.selectionSet, seen));
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (seen.has(name) || !fragments.has(name)) continue;
        max = Math.max(
          max,
          depthOf(fragments.get(name).selectionSet, new Set([...seen, name])),
        );
      }
    }
    return max;
  };
  return Math.max(
    0,
    ...document.definitions
      .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .map((d) => depthOf(d.selectionSet, new Set())),
  );
}

function fail(message) {
  console.log(`FAIL introspection: ${message}`);
  process.exit(1);
}

function truncate(text, n = 300) {
  return text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text;
}

async function check(url) {
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query, operationName: 'IntrospectionQuery' }),
    });
  } catch (err) {
    fail(`request failed: ${err && err.cause ? err.cause : err}`);
  }
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    fail(`HTTP ${res.status}: body is not JSON: ${truncate(text)}`);
  }
  if (body.errors && body.errors.length) {
    const messages = body.errors.map((e) => e && e.message).join('; ');
    fail(`HTTP ${res.status}: server returned errors: ${messages} — body: ${truncate(text)}`);
  }
  if (!body.data || typeof body.data !== 'object') {
    fail(`HTTP ${res.status}: no data in the answer: ${truncate(text)}`);
  }
  let schema;
  try {
    schema = buildClientSchema(body.data);
  } catch (err) {
    fail(`buildClientSchema failed: ${err && err.message ? err.message : err}`);
  }
  const missing = REQUIRED_TYPES.filter((name) => !schema.getType(name));
  if (missing.length) fail(`the schema lacks the type(s) ${missing.join(', ')}`);
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
    .map((t) => (t ? t.name : '-'))
    .join('/');
  const types = Object.keys(schema.getTypeMap()).length;
  console.log(
    `PASS introspection: HTTP ${res.status}, ${types} types, roots ${roots}, ` +
      `${schema.getDirectives().length} directives (graphql-js ${version})`,
  );
}

const args = process.argv.slice(2);
if (args.length !== 1 || args[0] === '-h' || args[0] === '--help') usage();
const [arg] = args;

if (arg === '--stats') {
  console.log(`tokens ${countTokens(query)}`);
  console.log(`max_nesting ${maxBracketNesting(query)}`);
  console.log(`field_depth ${maxFieldDepth(query)}`);
} else if (arg === '--write-query') {
  writeFileSync(QUERY_FILE, query); // byte for byte, as sent
  console.log(`wrote ${QUERY_FILE}`);
} else if (arg.startsWith('-')) {
  usage(`unknown option ${arg}`);
} else {
  try {
    new URL(arg);
  } catch {
    usage(`not a URL: ${arg}`);
  }
  let saved = null;
  try {
    saved = readFileSync(QUERY_FILE, 'utf8');
  } catch {}
  if (saved !== null && saved !== query) {
    console.error(
      `note: ${QUERY_FILE} differs from the query graphql-js ${version} builds; ` +
        'rerun with --write-query',
    );
  }
  await check(arg);
}
