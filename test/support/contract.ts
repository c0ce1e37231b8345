import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../src/openapi';
import { Answer } from './answers';

interface DocumentedAnswer {
  content?: Record<string, { schema?: object }>;
  $ref?: string;
}

const doc = openApiDocument() as {
  paths: Record<string, Record<string, { responses: Record<string, DocumentedAnswer> }>>;
  components: { responses: Record<string, DocumentedAnswer> };
};
// the document's own schemas, compiled as a whole so that #/components/schemas/… references resolve
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openapi.json', components: doc.components });

const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
    responses: op.responses,
  })));

const validators = new Map<object, ValidateFunction>();
function validatorOf(schema: object): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi.json#/components/')));
    validators.set(schema, validate);
  }
  return validate;
}

function resolve(answer: DocumentedAnswer): DocumentedAnswer {
  return answer.$ref ? doc.components.responses[answer.$ref.split('/').pop()!] : answer;
}

/**
 * What is wrong with an answer by the API document, or undefined: a status it does not list, or a JSON body its
 * schema refuses. Paths the document does not know (a 404 for a typo) are not its business.
 */
export function answerProblem(answer: Answer): string | undefined {
  const op = operations.find((o) => o.method === answer.method && o.pattern.test(answer.path));
  if (!op) return undefined;
  const where = `${answer.method} ${op.path} answered ${answer.status}`;
  const documented = op.responses[answer.status] ?? op.responses[`${String(answer.status)[0]}XX`];
  if (!documented) return `${where}, which the document does not list`;
  if (!answer.contentType.startsWith('application/json')) return undefined;
  const schema = resolve(documented).content?.['application/json']?.schema;
  if (!schema) return `${where} in JSON, which the document does not describe`;
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return `${where} with a body that is not JSON`;
  }
  const validate = validatorOf(schema);
  if (validate(body)) return undefined;
  const errors = validate.errors!.map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
  return `${where}: ${errors.join('; ')} in ${answer.body.toString('utf8').slice(0, 300)}`;
}
