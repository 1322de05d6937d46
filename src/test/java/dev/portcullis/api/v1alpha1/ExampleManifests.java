package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example manifests in {@code src/test/resources}: good ones, which the API server must accept,
 * and bad ones, each with a header that says what must reject it and how. Read by {@link
 * ManifestsTest} (against the schema in Java) and by the API-server tests in {@code
 * dev.portcullis.it}.
 */
public final class ExampleManifests {
  public static final Path GOOD = Path.of("src", "test", "resources", "good-manifests");
  public static final Path BAD = Path.of("src", "test", "resources", "bad-manifests");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ExampleManifests() {}

  /**
   * A bad manifest: its header ({@code # field:}, {@code # expect:}, {@code # rejected-by:} and
   * optionally {@code # operation:} and {@code # expect-server:}) and its documents (two for an
   * update: before and after).
   *
   * @param field the field the API server names in its rejection ({@code spec.ingress[0].ports})
   * @param expect a fragment of the rejection's message
   * @param rejectedBy {@code schema} (OpenAPI), {@code pattern} (a CEL rule that only matches a
   *     pattern, which the offline {@link SchemaValidator} evaluates too) or {@code cel} (any other
   *     x-kubernetes-validations rule, left to the API server)
   * @param update whether the rejection is of an update from the first document to the second
   * @param expectServer optionally ({@code # expect-server:}), a fragment only the API server's
   *     message holds: the words of a rule's {@code messageExpression}, which names the value that
   *     failed, where the offline command gives the rule's fixed {@code message}
   */
  public record Bad(
      String file,
      String field,
      String expect,
      String rejectedBy,
      boolean update,
      String expectServer,
      List<JsonNode> docs) {
    /** The document the API server must reject: the only one, or the update's second. */
    public JsonNode rejected() {
      return docs.get(docs.size() - 1);
    }

    @Override
    public String toString() {
      return file;
    }
  }

  /** The good manifests' files, sorted. */
  public static List<Path> good() {
    return GeneratedCrds.files(GOOD);
  }

  /** The bad manifests, sorted by file name. */
  public static List<Bad> bad() {
    List<Bad> out = new ArrayList<>();
    for (Path f : GeneratedCrds.files(BAD)) {
      try {
        out.add(readBad(f));
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + f, e);
      }
    }
    return out;
  }

  private static Bad readBad(Path f) throws IOException {
    String text = Files.readString(f);
    Map<String, String> header = new LinkedHashMap<>();
    for (String line : text.lines().takeWhile(l -> l.startsWith("#")).toList()) {
      int colon = line.indexOf(':');
      header.put(line.substring(1, colon).trim(), line.substring(colon + 1).trim());
    }
    List<JsonNode> docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll();
    return new Bad(
        f.getFileName().toString(),
        header.get("field"),
        header.get("expect"),
        header.get("rejected-by"),
        header.getOrDefault("operation", "create").startsWith("update"),
        header.get("expect-server"),
        docs);
  }
}
