// Encodes a Swagger 2.0 document (as JSON) to the protobuf form client-go and kubectl ask
// for (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf) and decode as
// gnostic's openapi.v2.Document. Field numbers are those of gnostic's public
// openapiv2/OpenAPIv2.proto; vendor extensions travel as Any{yaml}, which consumers
// (kube-openapi) parse as YAML — JSON text is valid YAML, so values are written as JSON.

type Json = Record<string, any>;

class Writer {
  private buf = new Uint8Array(1024);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  varint(v: number): void {
    this.ensure(10);
    // Values here are lengths, booleans and non-negative integers below 2^53.
    while (v > 0x7f) {
      this.buf[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  string(field: number, s: string | undefined): void {
    if (s === undefined || s === "") return;
    this.bytes(field, Buffer.from(s, "utf8"));
  }

  strings(field: number, list: unknown): void {
    if (!Array.isArray(list)) return;
    // Repeated strings are written even when empty: each element is one field.
    for (const s of list) { const b = Buffer.from(String(s), "utf8"); this.tag(field, 2); this.varint(b.length); this.ensure(b.length); this.buf.set(b, this.len); this.len += b.length; }
  }

  bool(field: number, v: unknown): void {
    if (v !== true) return;
    this.tag(field, 0);
    this.varint(1);
  }

  int(field: number, v: unknown): void {
    if (typeof v !== "number" || v === 0 || !Number.isFinite(v)) return;
    this.tag(field, 0);
    this.varint(Math.max(0, Math.trunc(v)));
  }

  double(field: number, v: unknown): void {
    if (typeof v !== "number" || v === 0) return;
    this.tag(field, 1);
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setFloat64(0, v, true);
    this.len += 8;
  }

  message(field: number, encode: (w: Writer) => void): void {
    const child = new Writer();
    encode(child);
    this.bytes(field, child.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

function anyValue(w: Writer, v: unknown): void {
  w.string(2, JSON.stringify(v));
}

function vendorExtensions(w: Writer, field: number, obj: Json): void {
  for (const [k, v] of Object.entries(obj)) {
    if (!k.startsWith("x-")) continue;
    w.message(field, (n) => { n.string(1, k); n.message(2, (a) => anyValue(a, v)); });
  }
}

function schema(w: Writer, s: Json): void {
  w.string(1, s.$ref);
  w.string(2, s.format);
  w.string(3, s.title);
  w.string(4, s.description);
  if (s.default !== undefined) w.message(5, (a) => anyValue(a, s.default));
  w.double(6, s.multipleOf);
  w.double(7, s.maximum);
  w.bool(8, s.exclusiveMaximum);
  w.double(9, s.minimum);
  w.bool(10, s.exclusiveMinimum);
  w.int(11, s.maxLength);
  w.int(12, s.minLength);
  w.string(13, s.pattern);
  w.int(14, s.maxItems);
  w.int(15, s.minItems);
  w.bool(16, s.uniqueItems);
  w.int(17, s.maxProperties);
  w.int(18, s.minProperties);
  w.strings(19, s.required);
  if (Array.isArray(s.enum)) for (const e of s.enum) w.message(20, (a) => anyValue(a, e));
  if (typeof s.additionalProperties === "object" && s.additionalProperties) w.message(21, (ap) => ap.message(1, (x) => schema(x, s.additionalProperties)));
  else if (typeof s.additionalProperties === "boolean") w.message(21, (ap) => { ap.tag(2, 0); ap.varint(s.additionalProperties ? 1 : 0); });
  if (s.type !== undefined) w.message(22, (t) => t.strings(1, Array.isArray(s.type) ? s.type : [s.type]));
  if (s.items !== undefined) w.message(23, (it) => { for (const i of Array.isArray(s.items) ? s.items : [s.items]) it.message(1, (x) => schema(x, i)); });
  if (Array.isArray(s.allOf)) for (const a of s.allOf) w.message(24, (x) => schema(x, a));
  if (s.properties) w.message(25, (p) => { for (const [k, v] of Object.entries(s.properties as Json)) p.message(1, (n) => { n.string(1, k); n.message(2, (x) => schema(x, v)); }); });
  w.string(26, s.discriminator);
  w.bool(27, s.readOnly);
  if (s.example !== undefined) w.message(30, (a) => anyValue(a, s.example));
  vendorExtensions(w, 31, s);
}

function parameter(w: Writer, p: Json): void {
  // ParametersItem{parameter=1: Parameter{body_parameter=1 | non_body_parameter=2}}
  w.message(1, (param) => {
    if (p.in === "body") {
      param.message(1, (b) => {
        b.string(1, p.description);
        b.string(2, p.name);
        b.string(3, p.in);
        b.bool(4, p.required);
        if (p.schema) b.message(5, (x) => schema(x, p.schema));
        vendorExtensions(b, 6, p);
      });
      return;
    }
    param.message(2, (nb) => {
      const which = p.in === "header" ? 1 : p.in === "formData" ? 2 : p.in === "query" ? 3 : 4;
      nb.message(which, (x) => {
        x.bool(1, p.required);
        x.string(2, p.in);
        x.string(3, p.description);
        x.string(4, p.name);
        if (which === 2 || which === 3) {
          x.bool(5, p.allowEmptyValue);
          x.string(6, p.type);
          x.string(7, p.format);
          x.bool(20, p.uniqueItems);
          vendorExtensions(x, 23, p);
        } else {
          x.string(5, p.type);
          x.string(6, p.format);
          x.bool(19, p.uniqueItems);
          vendorExtensions(x, 22, p);
        }
      });
    });
  });
}

function operation(w: Writer, o: Json): void {
  w.strings(1, o.tags);
  w.string(2, o.summary);
  w.string(3, o.description);
  w.string(5, o.operationId);
  w.strings(6, o.produces);
  w.strings(7, o.consumes);
  for (const p of o.parameters ?? []) w.message(8, (x) => parameter(x, p));
  if (o.responses) {
    w.message(9, (rs) => {
      for (const [code, r] of Object.entries(o.responses as Json)) {
        rs.message(1, (n) => {
          n.string(1, code);
          n.message(2, (rv) => rv.message(1, (resp) => {
            resp.string(1, r.description);
            if (r.schema) resp.message(2, (si) => si.message(1, (x) => schema(x, r.schema)));
          }));
        });
      }
    });
  }
  w.strings(10, o.schemes);
  w.bool(11, o.deprecated);
  vendorExtensions(w, 13, o);
}

const METHOD_FIELD: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItem(w: Writer, item: Json): void {
  w.string(1, item.$ref);
  for (const [m, f] of Object.entries(METHOD_FIELD)) if (item[m]) w.message(f, (x) => operation(x, item[m]));
  for (const p of item.parameters ?? []) w.message(9, (x) => parameter(x, p));
  vendorExtensions(w, 10, item);
}

/** The protobuf encoding of a Swagger 2.0 document. */
export function encodeDocument(doc: Json): Uint8Array {
  const w = new Writer();
  w.string(1, doc.swagger);
  if (doc.info) w.message(2, (i) => { i.string(1, doc.info.title); i.string(2, doc.info.version); i.string(3, doc.info.description); vendorExtensions(i, 7, doc.info); });
  w.string(3, doc.host);
  w.string(4, doc.basePath);
  w.strings(5, doc.schemes);
  w.strings(6, doc.consumes);
  w.strings(7, doc.produces);
  if (doc.paths) w.message(8, (ps) => {
    vendorExtensions(ps, 1, doc.paths);
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      if (path.startsWith("x-")) continue;
      ps.message(2, (n) => { n.string(1, path); n.message(2, (x) => pathItem(x, item)); });
    }
  });
  if (doc.definitions) w.message(9, (ds) => {
    for (const [name, s] of Object.entries(doc.definitions as Json)) ds.message(1, (n) => { n.string(1, name); n.message(2, (x) => schema(x, s)); });
  });
  for (const req of doc.security ?? []) {
    w.message(12, (sr) => {
      for (const [name, scopes] of Object.entries(req as Json)) sr.message(1, (n) => { n.string(1, name); n.message(2, (sa) => sa.strings(1, scopes)); });
    });
  }
  if (doc.securityDefinitions) w.message(13, (sd) => {
    for (const [name, d] of Object.entries(doc.securityDefinitions as Json)) {
      sd.message(1, (n) => {
        n.string(1, name);
        n.message(2, (item) => {
          if (d.type === "apiKey") item.message(2, (k) => { k.string(1, d.type); k.string(2, d.name); k.string(3, d.in); k.string(4, d.description); });
          else if (d.type === "basic") item.message(1, (b) => { b.string(1, d.type); b.string(2, d.description); });
        });
      });
    }
  });
  vendorExtensions(w, 16, doc);
  return w.finish();
}

/** The gnostic OpenAPI v2 schema in .proto form, for decoding in tests (with protobufjs). */
export const OPENAPI_V2_PROTO = `
syntax = "proto3";
package openapi.v2;
message Any { bytes value = 1; string yaml = 2; }
message NamedAny { string name = 1; Any value = 2; }
message Info { string title = 1; string version = 2; string description = 3; repeated NamedAny vendor_extension = 7; }
message Document {
  string swagger = 1; Info info = 2; string host = 3; string base_path = 4; repeated string schemes = 5;
  repeated string consumes = 6; repeated string produces = 7; Paths paths = 8; Definitions definitions = 9;
  repeated SecurityRequirement security = 12; SecurityDefinitions security_definitions = 13; repeated NamedAny vendor_extension = 16;
}
message Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message PathItem {
  string _ref = 1; Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5;
  Operation options = 6; Operation head = 7; Operation patch = 8; repeated ParametersItem parameters = 9; repeated NamedAny vendor_extension = 10;
}
message Operation {
  repeated string tags = 1; string summary = 2; string description = 3; string operation_id = 5;
  repeated string produces = 6; repeated string consumes = 7; repeated ParametersItem parameters = 8;
  Responses responses = 9; repeated string schemes = 10; bool deprecated = 11; repeated NamedAny vendor_extension = 13;
}
message ParametersItem { oneof oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
message JsonReference { string _ref = 1; string description = 2; }
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message BodyParameter { string description = 1; string name = 2; string in = 3; bool required = 4; Schema schema = 5; repeated NamedAny vendor_extension = 6; }
message NonBodyParameter { oneof oneof { HeaderParameterSubSchema header_parameter_sub_schema = 1; QueryParameterSubSchema form_data_parameter_sub_schema = 2; QueryParameterSubSchema query_parameter_sub_schema = 3; PathParameterSubSchema path_parameter_sub_schema = 4; } }
message QueryParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; bool allow_empty_value = 5; string type = 6; string format = 7; bool unique_items = 20; repeated NamedAny vendor_extension = 23; }
message PathParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; string format = 6; bool unique_items = 19; repeated NamedAny vendor_extension = 22; }
message HeaderParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; string format = 6; bool unique_items = 19; repeated NamedAny vendor_extension = 22; }
message Responses { repeated NamedResponseValue response_code = 1; repeated NamedAny vendor_extension = 2; }
message NamedResponseValue { string name = 1; ResponseValue value = 2; }
message ResponseValue { oneof oneof { Response response = 1; JsonReference json_reference = 2; } }
message Response { string description = 1; SchemaItem schema = 2; }
message SchemaItem { oneof oneof { Schema schema = 1; } }
message Definitions { repeated NamedSchema additional_properties = 1; }
message NamedSchema { string name = 1; Schema value = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message TypeItem { repeated string value = 1; }
message ItemsItem { repeated Schema schema = 1; }
message Schema {
  string _ref = 1; string format = 2; string title = 3; string description = 4; Any default = 5;
  double multiple_of = 6; double maximum = 7; bool exclusive_maximum = 8; double minimum = 9; bool exclusive_minimum = 10;
  int64 max_length = 11; int64 min_length = 12; string pattern = 13; int64 max_items = 14; int64 min_items = 15;
  bool unique_items = 16; int64 max_properties = 17; int64 min_properties = 18; repeated string required = 19;
  repeated Any enum = 20; AdditionalPropertiesItem additional_properties = 21; TypeItem type = 22; ItemsItem items = 23;
  repeated Schema all_of = 24; Properties properties = 25; string discriminator = 26; bool read_only = 27;
  Any example = 30; repeated NamedAny vendor_extension = 31;
}
message SecurityRequirement { repeated NamedStringArray additional_properties = 1; }
message NamedStringArray { string name = 1; StringArray value = 2; }
message StringArray { repeated string value = 1; }
message SecurityDefinitions { repeated NamedSecurityDefinitionsItem additional_properties = 1; }
message NamedSecurityDefinitionsItem { string name = 1; SecurityDefinitionsItem value = 2; }
message SecurityDefinitionsItem { oneof oneof { BasicAuthenticationSecurity basic_authentication_security = 1; ApiKeySecurity api_key_security = 2; } }
message BasicAuthenticationSecurity { string type = 1; string description = 2; }
message ApiKeySecurity { string type = 1; string name = 2; string in = 3; string description = 4; }
`;
