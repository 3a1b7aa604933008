import avro from "avsc";
import type { AvroType } from "./registry.ts";

type FieldSchema = { name: string; type: unknown };
type RecordSchema = { type: "record"; name: string; fields: FieldSchema[] } & Record<string, unknown>;

/**
 * A reader schema equal to `type` minus `field` in the records of the array field `arrayField`.
 * Avro resolution skips the dropped field's bytes without building values, so readers that do not
 * need, say, pod labels decode several times faster.
 */
export function withoutNestedField(type: AvroType, arrayField: string, field: string): AvroType {
  const schema = type.schema() as RecordSchema;
  const fields = schema.fields.map((f) => {
    if (f.name !== arrayField) return f;
    const array = f.type as { type: "array"; items: RecordSchema };
    return { ...f, type: { ...array, items: { ...array.items, fields: array.items.fields.filter((x) => x.name !== field) } } };
  });
  return avro.Type.forSchema({ ...schema, fields } as avro.Schema);
}
