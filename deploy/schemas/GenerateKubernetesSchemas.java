import com.google.gson.GsonBuilder;
import com.google.gson.annotations.SerializedName;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes strict JSON Schemas (draft-07 definitions) for the Kubernetes kinds Harbor's manifests use, from the
 * model classes of the official Kubernetes Java client: each class carries the JSON name of every field
 * (@SerializedName) and the required ones (openapiRequiredFields), exactly as generated from Kubernetes'
 * OpenAPI spec. Every object schema forbids properties it does not name, as a server with strict field
 * validation does.
 *
 * java -cp <client-java-api classpath> GenerateKubernetesSchemas.java <out.json> <source> <apiVersion/Kind=Class>...
 */
public class GenerateKubernetesSchemas {
  private static final String MODELS = "io.kubernetes.client.openapi.models.";
  private static final Map<String, Object> definitions = new TreeMap<>();

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    Map<String, String> kinds = new TreeMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] pair = args[i].split("=", 2);
      kinds.put(pair[0], define(Class.forName(MODELS + pair[1])));
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("source", args[1]);
    document.put("kinds", kinds);
    document.put("definitions", definitions);
    write(out, document);
  }

  private static String define(Class<?> type) throws Exception {
    String name = type.getSimpleName();
    if (definitions.containsKey(name)) return name;
    definitions.put(name, Map.of());
    Map<String, Object> properties = new TreeMap<>();
    for (Field field : type.getDeclaredFields()) {
      SerializedName json = field.getAnnotation(SerializedName.class);
      if (json == null || Modifier.isStatic(field.getModifiers())) continue;
      properties.put(json.value(), schemaOf(field.getGenericType()));
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    @SuppressWarnings("unchecked")
    Set<String> required = (Set<String>) type.getField("openapiRequiredFields").get(null);
    if (!required.isEmpty()) schema.put("required", new TreeSet<>(required));
    schema.put("additionalProperties", false);
    definitions.put(name, schema);
    return name;
  }

  private static Object schemaOf(Type type) throws Exception {
    if (type instanceof ParameterizedType parameterized) {
      Class<?> raw = (Class<?>) parameterized.getRawType();
      Type[] arguments = parameterized.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) return Map.of("type", "array", "items", schemaOf(arguments[0]));
      if (Map.class.isAssignableFrom(raw)) return Map.of("type", "object", "additionalProperties", schemaOf(arguments[1]));
      throw new IllegalStateException("unexpected generic type " + type);
    }
    Class<?> cls = (Class<?>) type;
    String name = cls.getName();
    if (cls == String.class || name.equals("java.time.OffsetDateTime") || cls == byte[].class) return Map.of("type", "string");
    if (cls == Integer.class || cls == Long.class) return Map.of("type", "integer");
    if (cls == Boolean.class) return Map.of("type", "boolean");
    if (cls == Double.class || cls == Float.class || name.equals("java.math.BigDecimal")) return Map.of("type", "number");
    if (cls == Object.class) return Map.of();
    if (name.equals("io.kubernetes.client.custom.IntOrString")) return Map.of("type", List.of("integer", "string"));
    if (name.equals("io.kubernetes.client.custom.Quantity")) return Map.of("type", List.of("number", "string"));
    if (cls.isEnum()) return Map.of("type", "string", "enum", enumValues(cls));
    if (name.startsWith(MODELS)) return Map.of("$ref", "#/definitions/" + define(cls));
    throw new IllegalStateException("no schema for " + name);
  }

  private static List<String> enumValues(Class<?> type) throws Exception {
    List<String> values = new ArrayList<>();
    Method value = type.getMethod("getValue");
    for (Object constant : type.getEnumConstants()) values.add(String.valueOf(value.invoke(constant)));
    return values;
  }

  private static void write(Path out, Object document) throws IOException {
    Files.createDirectories(out.getParent());
    Files.writeString(out, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(document) + "\n");
  }
}
