/**
 * Plain-object shapes of google.firestore.v1 messages as decoded with PROTO_LOADER_OPTIONS
 * (camelCase, int64 as strings, enums as names, oneof discriminators present on decoded input).
 * Only what the emulator reads or writes is typed; objects built by the emulator for responses
 * need not set the oneof discriminator fields (the encoder ignores them).
 */

export interface Timestamp {
  seconds: string; // int64 as decimal string
  nanos: number;
}

export interface LatLng {
  latitude?: number;
  longitude?: number;
}

export interface ArrayValue {
  values?: Value[];
}

export interface MapValue {
  fields?: Record<string, Value>;
}

export type ValueType =
  | 'nullValue'
  | 'booleanValue'
  | 'integerValue'
  | 'doubleValue'
  | 'timestampValue'
  | 'stringValue'
  | 'bytesValue'
  | 'referenceValue'
  | 'geoPointValue'
  | 'arrayValue'
  | 'mapValue';

export interface Value {
  valueType?: ValueType;
  nullValue?: 'NULL_VALUE' | 0;
  booleanValue?: boolean;
  integerValue?: string; // int64 as decimal string
  doubleValue?: number;
  timestampValue?: Timestamp;
  stringValue?: string;
  bytesValue?: Buffer;
  referenceValue?: string;
  geoPointValue?: LatLng;
  arrayValue?: ArrayValue;
  mapValue?: MapValue;
}

export type Fields = Record<string, Value>;

export interface Document {
  name: string;
  fields?: Fields;
  createTime?: Timestamp;
  updateTime?: Timestamp;
}

export interface FieldReference {
  fieldPath: string;
}

export type FieldFilterOp =
  | 'LESS_THAN'
  | 'LESS_THAN_OR_EQUAL'
  | 'GREATER_THAN'
  | 'GREATER_THAN_OR_EQUAL'
  | 'EQUAL'
  | 'NOT_EQUAL'
  | 'ARRAY_CONTAINS'
  | 'IN'
  | 'ARRAY_CONTAINS_ANY'
  | 'NOT_IN';

export type UnaryFilterOp = 'IS_NAN' | 'IS_NULL' | 'IS_NOT_NAN' | 'IS_NOT_NULL';

export interface Filter {
  filterType?: 'compositeFilter' | 'fieldFilter' | 'unaryFilter';
  compositeFilter?: { op: 'AND' | 'OR'; filters: Filter[] };
  fieldFilter?: { field: FieldReference; op: FieldFilterOp; value: Value };
  unaryFilter?: { op: UnaryFilterOp; field: FieldReference; operandType?: 'field' };
}

export interface Order {
  field: FieldReference;
  direction?: 'ASCENDING' | 'DESCENDING' | 'DIRECTION_UNSPECIFIED';
}

export interface Cursor {
  values?: Value[];
  before?: boolean;
}

export interface CollectionSelector {
  collectionId?: string;
  allDescendants?: boolean;
}

export interface StructuredQuery {
  select?: { fields?: FieldReference[] };
  from?: CollectionSelector[];
  where?: Filter;
  orderBy?: Order[];
  startAt?: Cursor;
  endAt?: Cursor;
  offset?: number;
  limit?: { value?: number } | number;
}

export interface Aggregation {
  alias?: string;
  count?: { upTo?: { value?: string | number } };
  sum?: { field: FieldReference };
  avg?: { field: FieldReference };
  operator?: 'count' | 'sum' | 'avg';
}

export interface StructuredAggregationQuery {
  structuredQuery: StructuredQuery;
  aggregations?: Aggregation[];
}
