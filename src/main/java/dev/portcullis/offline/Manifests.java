package dev.portcullis.offline;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SchemaValidator;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Portcullis resources read from YAML files: several documents per file, and folders read in name
 * order. Each document is checked against its CRD's schema, as {@code kubectl apply} with
 * server-side field validation checks it (CEL rules aside; the engine checks what they say): an
 * unknown field, a value of the wrong type, an unknown enum value or a pattern that does not match
 * is an error that names the file, the resource and the field.
 */
public record Manifests(
    List<Loaded<SecurityGroup>> securityGroups,
    List<Loaded<SecurityGroupAttachment>> attachments,
    List<Loaded<ReachabilityCheck>> checks) {

  static final String API_VERSION = SecurityGroup.GROUP + "/" + SecurityGroup.VERSION;
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "SecurityGroup", SecurityGroup.class,
          "SecurityGroupAttachment", SecurityGroupAttachment.class,
          "ReachabilityCheck", ReachabilityCheck.class);

  /** A resource and the file it came from. */
  public record Loaded<T extends HasMetadata>(T resource, Path file) {
    public String ref() {
      return resource.getKind()
          + " "
          + resource.getMetadata().getNamespace()
          + "/"
          + resource.getMetadata().getName();
    }
  }

  private static final ObjectMapper MAPPER =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /** Reads every {@code .yaml} and {@code .yml} file of the given files and folders. */
  public static Manifests load(List<Path> paths) throws ManifestException, IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted()
              .forEach(files::add);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new ManifestException(List.of(p + ": no such file or folder"));
      }
    }
    List<String> problems = new ArrayList<>();
    List<Loaded<SecurityGroup>> groups = new ArrayList<>();
    List<Loaded<SecurityGroupAttachment>> attachments = new ArrayList<>();
    List<Loaded<ReachabilityCheck>> checks = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Path file : files) {
      List<JsonNode> docs = new ArrayList<>();
      try (MappingIterator<JsonNode> it =
          MAPPER.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (it.hasNextValue()) {
          docs.add(it.nextValue());
        }
      } catch (JsonProcessingException e) {
        problems.add(file + where(e.getLocation()) + ": malformed YAML: " + e.getOriginalMessage());
        continue;
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() instanceof JsonProcessingException j ? j : e;
        problems.add(file + ": malformed YAML: " + cause.getMessage());
        continue;
      }
      for (int i = 0; i < docs.size(); i++) {
        JsonNode doc = docs.get(i);
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        String at = file + (docs.size() > 1 ? " (document " + (i + 1) + ")" : "");
        HasMetadata r = convert(doc, at, problems);
        if (r == null) {
          continue;
        }
        Loaded<HasMetadata> loaded = new Loaded<>(r, file);
        if (!seen.add(loaded.ref())) {
          problems.add(at + ": " + loaded.ref() + " is declared more than once");
          continue;
        }
        if (r instanceof SecurityGroup sg) {
          groups.add(new Loaded<>(sg, file));
        } else if (r instanceof SecurityGroupAttachment a) {
          attachments.add(new Loaded<>(a, file));
        } else if (r instanceof ReachabilityCheck c) {
          checks.add(new Loaded<>(c, file));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ManifestException(problems);
    }
    return new Manifests(groups, attachments, checks);
  }

  private static HasMetadata convert(JsonNode doc, String at, List<String> problems) {
    if (!doc.isObject()) {
      problems.add(at + ": expected a Kubernetes resource (a mapping), found " + doc.getNodeType());
      return null;
    }
    String apiVersion = doc.path("apiVersion").asText(null);
    String kind = doc.path("kind").asText(null);
    if (kind == null || apiVersion == null) {
      problems.add(at + ": apiVersion and kind are required");
      return null;
    }
    Class<? extends HasMetadata> type = KINDS.get(kind);
    if (!API_VERSION.equals(apiVersion) || type == null) {
      problems.add(
          at
              + ": "
              + apiVersion
              + " "
              + kind
              + " is not a Portcullis resource (expected apiVersion "
              + API_VERSION
              + " and kind "
              + String.join(", ", new TreeSet<>(KINDS.keySet()))
              + ")");
      return null;
    }
    String name = doc.path("metadata").path("name").asText("");
    String namespace = doc.path("metadata").path("namespace").asText("default");
    String ref = kind + " " + namespace + "/" + (name.isEmpty() ? "?" : name);
    if (name.isEmpty()) {
      problems.add(at + ": " + kind + ": metadata.name is required");
      return null;
    }
    List<SchemaValidator.Violation> violations =
        SchemaValidator.validate(SchemaValidator.rootSchema(kind), doc);
    if (!violations.isEmpty()) {
      violations.forEach(v -> problems.add(at + ": " + ref + ": " + v));
      return null;
    }
    HasMetadata r;
    try {
      r = MAPPER.treeToValue(doc, type);
    } catch (UnrecognizedPropertyException e) {
      problems.add(
          at
              + ": "
              + ref
              + ": unknown field "
              + path(e)
              + " (known here: "
              + e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", "))
              + ")");
      return null;
    } catch (InvalidFormatException e) {
      String allowed =
          e.getTargetType() != null && e.getTargetType().isEnum()
              ? "; allowed: "
                  + Arrays.stream(e.getTargetType().getEnumConstants())
                      .map(Manifests::enumName)
                      .collect(Collectors.joining(", "))
              : "";
      problems.add(
          at + ": " + ref + ": " + path(e) + ": invalid value \"" + e.getValue() + "\"" + allowed);
      return null;
    } catch (JsonMappingException e) {
      problems.add(at + ": " + ref + ": " + path(e) + ": " + e.getOriginalMessage());
      return null;
    } catch (JsonProcessingException e) {
      problems.add(at + ": " + ref + ": " + e.getOriginalMessage());
      return null;
    }
    ObjectMeta meta = r.getMetadata();
    if (meta.getAdditionalProperties() != null && !meta.getAdditionalProperties().isEmpty()) {
      problems.add(
          at
              + ": "
              + ref
              + ": unknown field metadata."
              + meta.getAdditionalProperties().keySet().iterator().next());
      return null;
    }
    if (meta.getNamespace() == null) {
      meta.setNamespace("default");
    }
    return r;
  }

  /** An enum constant as it is written in YAML (its JSON name). */
  private static String enumName(Object constant) {
    return MAPPER.convertValue(constant, String.class);
  }

  /** A Jackson path as a user writes it: {@code spec.ingress[0].from[1].cidr}. */
  static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String where(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 0
        ? ""
        : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
  }
}
