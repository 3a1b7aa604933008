import avro from "avsc";
import type { AvroType } from "./registry.ts";

type FieldSchema = { name: string; type: unknown };
type RecordSchema = { type: "record"; name: string; fields: FieldSchema[] } & Record<string, unknown>;

/**
 * A reader schema equal to `type` but with only the fields that `keep` accepts in the records of the array field
 * `arrayField`. Avro resolution skips the other fields' bytes without building values (no string is decoded, no map
 * built), so a reader that needs a few numbers per pod decodes a snapshot several times faster.
 */
function withNestedFields(type: AvroType, arrayField: string, keep: (field: string) => boolean): AvroType {
  // exportAttrs keeps the fields' defaults: without them the projection could not read older writers (a field added since).
  const schema = type.schema({ exportAttrs: true }) as RecordSchema;
  const fields = schema.fields.map((f) => {
    if (f.name !== arrayField) return f;
    const array = f.type as { type: "array"; items: RecordSchema };
    return { ...f, type: { ...array, items: { ...array.items, fields: array.items.fields.filter((x) => keep(x.name)) } } };
  });
  if (fields.every((f, i) => f === schema.fields[i])) throw new Error(`${schema.name} has no array field ${arrayField}`);
  return avro.Type.forSchema({ ...schema, fields } as avro.Schema);
}

/** `type` without `field` in the records of the array field `arrayField` (e.g. pods without their labels). */
export function withoutNestedField(type: AvroType, arrayField: string, field: string): AvroType {
  return withNestedFields(type, arrayField, (name) => name !== field);
}

/** `type` with only `fields` in the records of the array field `arrayField` (names it lacks are an error). */
export function withOnlyNestedFields(type: AvroType, arrayField: string, fields: readonly string[]): AvroType {
  const projected = withNestedFields(type, arrayField, (name) => fields.includes(name));
  const items = ((projected.schema() as RecordSchema).fields.find((f) => f.name === arrayField)?.type as { items: RecordSchema }).items;
  const missing = fields.filter((f) => !items.fields.some((x) => x.name === f));
  if (missing.length > 0) throw new Error(`${items.name} has no field ${missing.join(", ")}`);
  return projected;
}
