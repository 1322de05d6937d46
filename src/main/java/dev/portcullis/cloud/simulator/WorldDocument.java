package dev.portcullis.cloud.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.engine.Problem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A world file as {@link WorldLoader} and its section readers go through it: where each node is
 * ({@link Node}), the problems found so far (errors, and warnings that do not stop the world), and
 * the checks every section makes of its nodes' shapes and scalars (mappings with known fields,
 * lists, strings, whole numbers, ids, tags, ports), each reporting at the node's path.
 */
final class WorldDocument {
  /** The file being read; several files make one world, read one after the other. */
  private String source;

  /** Whether the world comes from several files, so that places name their file too. */
  private final boolean severalFiles;

  final List<Problem> problems = new ArrayList<>();
  final List<Problem> warnings = new ArrayList<>();

  WorldDocument(String source, boolean severalFiles) {
    this.source = source;
    this.severalFiles = severalFiles;
  }

  /** The next file of several is read from here on. */
  void startFile(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  boolean severalFiles() {
    return severalFiles;
  }

  /** How many errors were found so far: a section compares it before and after a node. */
  int problemCount() {
    return problems.size();
  }

  /** A place in the document: the YAML node there (null when absent) and its path. */
  record Node(JsonNode json, String path) {
    Node field(String name) {
      return new Node(
          json == null ? null : json.get(name), path.isEmpty() ? name : path + "." + name);
    }

    Node item(int i) {
      return new Node(json.get(i), path + "[" + i + "]");
    }

    boolean present() {
      return json != null && !json.isNull() && !json.isMissingNode();
    }
  }

  /** Where a node is, for a message read with another file's: the path, and the file if several. */
  String place(Node n) {
    return severalFiles ? source + ": " + n.path() : n.path();
  }

  /** A required id of EC2's form ({@code prefix} and 8 or 17 hex digits), or null if reported. */
  String id(Node n, Predicate<String> wellFormed, String prefix) {
    String id = string(n, true);
    if (id == null) {
      return null;
    }
    if (!wellFormed.test(id)) {
      error(
          n,
          "'"
              + id
              + "' is not an EC2 id: write "
              + prefix
              + " and 8 or 17 lower-case hex digits, such as "
              + prefix
              + "0a1b2c3d");
      return null;
    }
    return id;
  }

  /** Whether {@code id} is new in {@code seen}; reports a duplicate with both places. */
  boolean firstDeclaration(Map<String, String> seen, String id, Node n, String what) {
    String first = seen.putIfAbsent(id, place(n));
    if (first != null) {
      error(n, "duplicate " + what + " id " + id + ", first declared at " + first);
      return false;
    }
    return true;
  }

  /** Whether a port is in 1-65535; reports it otherwise. */
  boolean port(Node n, int port, String protocol) {
    if (port < 1 || port > 65535) {
      error(n, protocol + " port " + port + " is outside 1-65535");
      return false;
    }
    return true;
  }

  /** The node's string, or null when absent (reported if required) or not a string. */
  String string(Node n, boolean required) {
    if (!n.present()) {
      if (required) {
        error(n, "missing required field '" + lastSegment(n.path()) + "'");
      }
      return null;
    }
    if (!n.json().isTextual()) {
      error(n, "must be a string, not " + kind(n));
      return null;
    }
    return n.json().asText();
  }

  /** The node's int, or null when absent (reported if required) or not a whole number. */
  Integer integer(Node n, boolean required) {
    if (!n.present()) {
      if (required) {
        error(n, "missing required field '" + lastSegment(n.path()) + "'");
      }
      return null;
    }
    if (!n.json().isIntegralNumber() || !n.json().canConvertToInt()) {
      error(n, "must be a whole number, not " + kind(n));
      return null;
    }
    return n.json().asInt();
  }

  /** Tags EC2 would take, at most 50; the others are reported and left out. */
  Map<String, String> tags(Node n) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!n.present()) {
      return out;
    }
    if (!n.json().isObject()) {
      error(n, "tags are a mapping from key to value, not " + kind(n));
      return out;
    }
    for (Iterator<String> it = n.json().fieldNames(); it.hasNext(); ) {
      String key = it.next();
      Node tn = n.field(key);
      if (!tn.json().isValueNode() || tn.json().isNull()) {
        error(tn, "a tag value is a string, not " + kind(tn));
        continue;
      }
      String p = Ec2Constraints.tagProblem(key, tn.json().asText());
      if (p != null) {
        error(tn, p);
        continue;
      }
      out.put(key, tn.json().asText());
    }
    if (out.size() > Ec2Constraints.MAX_TAGS) {
      error(
          n, out.size() + " tags; EC2 allows at most " + Ec2Constraints.MAX_TAGS + " per resource");
    }
    return out;
  }

  /** The items of a list node; none when absent, or when it is not a list (reported). */
  List<Node> list(Node n) {
    List<Node> out = new ArrayList<>();
    if (!n.present()) {
      return out;
    }
    if (!n.json().isArray()) {
      error(n, "must be a list, not " + kind(n));
      return out;
    }
    for (int i = 0; i < n.json().size(); i++) {
      out.add(n.item(i));
    }
    return out;
  }

  /** Whether {@code n} is a mapping with only the allowed fields; reports what is not. */
  boolean mapping(Node n, String what, String... allowed) {
    if (!n.present() || !n.json().isObject()) {
      error(
          n,
          article(what)
              + " is a mapping of fields ("
              + String.join(", ", allowed)
              + "), not "
              + kind(n));
      return false;
    }
    Set<String> ok = Set.of(allowed);
    boolean clean = true;
    for (Iterator<String> it = n.json().fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!ok.contains(f)) {
        error(
            n.field(f),
            "unknown field '"
                + f
                + "'; the fields of "
                + article(what)
                + " are "
                + String.join(", ", allowed));
        clean = false;
      }
    }
    return clean;
  }

  private static String article(String noun) {
    return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }

  /** What a node holds, for a message: "a list", "a number (3)", "nothing", ... */
  static String kind(Node n) {
    JsonNode j = n.json();
    if (j == null || j.isNull() || j.isMissingNode()) {
      return "nothing";
    }
    if (j.isArray()) {
      return "a list";
    }
    if (j.isObject()) {
      return "a mapping";
    }
    if (j.isBoolean()) {
      return "a boolean (" + j.asText() + ")";
    }
    if (j.isNumber()) {
      return "a number (" + j.asText() + ")";
    }
    return "a string (\"" + j.asText() + "\")";
  }

  private static String lastSegment(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  /** Reports an error at the node's path. */
  void error(Node n, String message) {
    problems.add(Problem.error(n.path().isEmpty() ? "(document)" : n.path(), message));
  }
}
