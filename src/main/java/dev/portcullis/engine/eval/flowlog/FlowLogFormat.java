package dev.portcullis.engine.eval.flowlog;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The fields of a flow log's records, in order: EC2's default format (version 2), or a custom one
 * given as its {@code LogFormat} ({@code ${version} ${interface-id} ...}) or as the header line of
 * its files ({@code version interface-id ...}). Fields attribution does not read (account, VPC,
 * subnet, TCP flags...) may be anywhere; those it needs may be missing, and then every record is
 * skipped as {@link Skip#MISSING_FIELD}, since no record can be attributed without them.
 */
public final class FlowLogFormat {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

  /** EC2's default format: version 2, fourteen fields. */
  public static final FlowLogFormat DEFAULT =
      of(
          "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes"
              + " start end action log-status");

  /** The fields without which no record can be attributed. */
  static final List<String> REQUIRED =
      List.of("interface-id", "srcaddr", "dstaddr", "dstport", "protocol", "action");

  private final List<String> fields;
  final int version;
  final int interfaceId;
  final int srcaddr;
  final int dstaddr;
  final int srcport;
  final int dstport;
  final int protocol;
  final int packets;
  final int bytes;
  final int action;
  final int logStatus;
  final int flowDirection;

  private FlowLogFormat(List<String> fields) {
    this.fields = List.copyOf(fields);
    version = fields.indexOf("version");
    interfaceId = fields.indexOf("interface-id");
    srcaddr = fields.indexOf("srcaddr");
    dstaddr = fields.indexOf("dstaddr");
    srcport = fields.indexOf("srcport");
    dstport = fields.indexOf("dstport");
    protocol = fields.indexOf("protocol");
    packets = fields.indexOf("packets");
    bytes = fields.indexOf("bytes");
    action = fields.indexOf("action");
    logStatus = fields.indexOf("log-status");
    flowDirection = fields.indexOf("flow-direction");
  }

  /**
   * A format from its {@code LogFormat} or its header line.
   *
   * @throws IllegalArgumentException naming the field when a name is not a flow log field's shape,
   *     when a name repeats, or when there is none
   */
  public static FlowLogFormat of(String text) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("a flow log format names at least one field");
    }
    List<String> names = new ArrayList<>();
    for (String token : trimmed.split("\\s+")) {
      String name = token;
      if (name.startsWith("${") && name.endsWith("}")) {
        name = name.substring(2, name.length() - 1);
      }
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "flow log format field '"
                + token
                + "' is not a field name (lower-case letters, digits and '-', as in 'srcaddr' or"
                + " '${srcaddr}')");
      }
      if (names.contains(name)) {
        throw new IllegalArgumentException("flow log format names field '" + name + "' twice");
      }
      names.add(name);
    }
    return new FlowLogFormat(names);
  }

  /** The fields, in record order. */
  public List<String> fields() {
    return fields;
  }

  /** The fields attribution needs that this format lacks, in the order of {@link #REQUIRED}. */
  public List<String> missing() {
    return REQUIRED.stream().filter(f -> !fields.contains(f)).toList();
  }

  @Override
  public String toString() {
    return String.join(" ", fields);
  }
}
