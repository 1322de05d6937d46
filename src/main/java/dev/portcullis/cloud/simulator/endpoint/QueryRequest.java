package dev.portcullis.cloud.simulator.endpoint;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudException.Kind;
import dev.portcullis.cloud.simulator.Ec2Api;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The parameters of one EC2 Query request ({@code Action=...&Version=...&GroupId=sg-1}), with the
 * Query protocol's indexed members: a list is {@code Name.1}, {@code Name.2}, ..., a structure's
 * fields are {@code Name.Field}, and they nest ({@code IpPermissions.1.IpRanges.2.CidrIp}). A
 * member request ({@link #members}) is the same view below one prefix. Parsing only: what the
 * values mean is the handlers' and the model's business.
 */
final class QueryRequest {
  private final Map<String, String> params;

  private QueryRequest(Map<String, String> params) {
    this.params = params;
  }

  static QueryRequest of(Map<String, String> params) {
    return new QueryRequest(Collections.unmodifiableMap(new LinkedHashMap<>(params)));
  }

  /**
   * Parses an {@code application/x-www-form-urlencoded} body (read as ISO-8859-1, one char per
   * byte) or query string. A parameter given twice keeps its last value. Bad percent-encoding or
   * bytes that are not UTF-8 are EC2's {@code MalformedQueryString}.
   */
  static QueryRequest parse(String form) {
    Map<String, String> out = new LinkedHashMap<>();
    if (form != null && !form.isEmpty()) {
      for (String pair : form.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (name.isEmpty()) {
          throw malformed("a parameter has no name");
        }
        out.put(name, value);
      }
    }
    return new QueryRequest(Collections.unmodifiableMap(out));
  }

  private static String decode(String s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%') {
        if (i + 2 >= s.length()) {
          throw malformed("a percent sign is not followed by two hex digits");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw malformed("a percent sign is not followed by two hex digits");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x100) {
        // a raw byte (the body is read as ISO-8859-1): the whole is decoded as UTF-8 below
        bytes.write(c);
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed("a parameter is not UTF-8");
    }
  }

  private static CloudException malformed(String why) {
    return new CloudException(
        "MalformedQueryString", Kind.INVALID, "The query string contains a syntax error: " + why);
  }

  /** Every parameter name, as sent. */
  Set<String> names() {
    return params.keySet();
  }

  boolean has(String name) {
    return params.containsKey(name);
  }

  /** The value, or null when the parameter is absent ({@code ""} when present and empty). */
  String get(String name) {
    return params.get(name);
  }

  /** The value, which must be present and not empty ({@code MissingParameter}). */
  String required(String name) {
    String v = params.get(name);
    if (v == null || v.isEmpty()) {
      throw new CloudException(
          "MissingParameter", Kind.INVALID, "The request must contain the parameter " + name);
    }
    return v;
  }

  /** An integer parameter, or null when absent. */
  Integer integer(String name) {
    String v = params.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Integer.valueOf(v.trim());
    } catch (NumberFormatException e) {
      throw new CloudException(
          "InvalidParameterValue",
          Kind.INVALID,
          "Value (" + v + ") for parameter " + name + " is invalid. Expected an integer.");
    }
  }

  /** A boolean parameter ({@code true} or {@code false}, any case), false when absent. */
  boolean flag(String name) {
    String v = params.get(name);
    if (v == null) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new CloudException(
        "InvalidParameterValue",
        Kind.INVALID,
        "Value (" + v + ") for parameter " + name + " is invalid. Expected a boolean.");
  }

  /** The values of the list {@code prefix.1}, {@code prefix.2}, ... in index order. */
  List<String> list(String prefix) {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    String p = prefix + ".";
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getKey().startsWith(p)) {
        String rest = e.getKey().substring(p.length());
        byIndex.put(index(e.getKey(), rest), e.getValue());
      }
    }
    return new ArrayList<>(byIndex.values());
  }

  /** The members of the list of structures {@code prefix.N.*}, in index order. */
  List<QueryRequest> members(String prefix) {
    TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
    String p = prefix + ".";
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getKey().startsWith(p)) {
        String rest = e.getKey().substring(p.length());
        int dot = rest.indexOf('.');
        if (dot < 0) {
          throw unknown(e.getKey());
        }
        int n = index(e.getKey(), rest.substring(0, dot));
        byIndex
            .computeIfAbsent(n, k -> new LinkedHashMap<>())
            .put(rest.substring(dot + 1), e.getValue());
      }
    }
    List<QueryRequest> out = new ArrayList<>();
    byIndex.values().forEach(m -> out.add(new QueryRequest(Collections.unmodifiableMap(m))));
    return out;
  }

  /** The structure {@code prefix.*} as a request of its own (empty when absent). */
  QueryRequest member(String prefix) {
    Map<String, String> m = new LinkedHashMap<>();
    String p = prefix + ".";
    params.forEach(
        (k, v) -> {
          if (k.startsWith(p)) {
            m.put(k.substring(p.length()), v);
          }
        });
    return new QueryRequest(Collections.unmodifiableMap(m));
  }

  /** {@code Filter.N.Name} and {@code Filter.N.Value.M}. */
  List<Ec2Api.Filter> filters() {
    List<Ec2Api.Filter> out = new ArrayList<>();
    for (QueryRequest f : members("Filter")) {
      out.add(new Ec2Api.Filter(f.required("Name"), f.list("Value")));
    }
    return out;
  }

  /**
   * A describe's ids ({@code idParameter.N}), filters and page; an empty {@code NextToken}, as some
   * clients send for the first page, is none.
   */
  Ec2Api.Query describeQuery(String idParameter) {
    String token = get("NextToken");
    return new Ec2Api.Query(
        list(idParameter),
        filters(),
        token == null || token.isEmpty() ? null : token,
        integer("MaxResults"));
  }

  /** {@code prefix.N.Key} and {@code prefix.N.Value}; a missing value maps to null. */
  Map<String, String> tags(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    for (QueryRequest t : members(prefix)) {
      out.put(t.required("Key"), t.get("Value"));
    }
    return out;
  }

  private static int index(String name, String text) {
    if (text.isEmpty() || text.length() > 6 || !text.chars().allMatch(Character::isDigit)) {
      throw unknown(name);
    }
    int n = Integer.parseInt(text);
    if (n < 1) {
      throw unknown(name);
    }
    return n;
  }

  static CloudException unknown(String name) {
    return new CloudException(
        "UnknownParameter", Kind.INVALID, "The parameter " + name + " is not recognized");
  }
}
