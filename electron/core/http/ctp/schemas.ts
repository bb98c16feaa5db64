import { CTP_ID_SCHEMA_PATTERN } from '../../../../shared/ctp/ids';

/**
 * JSON Schemas of the CTP API's requests and collection responses (CTP chapter 5). Query
 * strings are strings (parsed by shared/ctp/pagination.ts); bodies are never coerced.
 */
export const ID_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', pattern: CTP_ID_SCHEMA_PATTERN } },
  required: ['id'],
} as const;

const STRING = { type: 'string', maxLength: 4096 } as const;

/** A resource's query: only the `x=` extension (refused where not taken). */
export const NO_QUERY = { type: 'object', properties: { x: STRING } } as const;

export const COLLECTION_QUERY = {
  type: 'object',
  properties: { page: STRING, items: STRING, name: STRING, x: STRING },
} as const;

export const LOG_QUERY = {
  type: 'object',
  properties: { ...COLLECTION_QUERY.properties, oldest: STRING, newest: STRING, tags: STRING },
} as const;

const URL_STRING = { type: 'string' } as const;
const COUNT = { type: 'integer' } as const;

/** CTP 4.1.6 (`name` omitted when empty); a fixed shape, serialized fast. */
export const COLLECTION_RESPONSE = {
  type: 'object',
  properties: {
    self: URL_STRING,
    scope: URL_STRING,
    collectionLength: COUNT,
    returnedLength: COUNT,
    collectionType: URL_STRING,
    collection: {
      type: 'array',
      items: {
        type: 'object',
        properties: { link: URL_STRING, name: URL_STRING },
        required: ['link'],
      },
    },
  },
  required: ['self', 'scope', 'collectionLength', 'returnedLength', 'collectionType', 'collection'],
} as const;

/** CTP 5.2.16.3: the client's fields; server-owned ones are accepted and ignored. */
export const TRIGGER_BODY = {
  type: 'object',
  properties: {
    name: STRING,
    annotation: STRING,
    measurement: { type: 'string', maxLength: 2048 },
    condition: STRING,
    notification: { type: ['string', 'null'], maxLength: 2048 },
    guardTime: { type: 'number', minimum: 0 },
    tags: { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 256 } },
    self: {},
    scope: {},
    changeId: {},
    status: {},
    statusUpdateTime: {},
  },
  required: ['measurement', 'condition'],
  additionalProperties: false,
} as const;

/** CTP 5.2.11. */
export const STATE_BODY = {
  type: 'object',
  properties: { state: { type: 'string', enum: ['activated', 'deactivated'] } },
  required: ['state'],
  additionalProperties: false,
} as const;
