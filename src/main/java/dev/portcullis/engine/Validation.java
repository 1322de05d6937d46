package dev.portcullis.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks of names and texts that EC2 constrains, with messages that say what to change. Rules
 * themselves are checked by {@link Canonicalizer}.
 */
public final class Validation {
  /** EC2's characters for group names, group descriptions and rule descriptions. */
  public static final String ALLOWED_TEXT_CHARS = "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*";

  static final Pattern TEXT = Pattern.compile("[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]*");
  static final Pattern GROUP_ID = Pattern.compile("sg-(?:[0-9a-f]{8}|[0-9a-f]{17})");
  static final Pattern PREFIX_LIST_ID = Pattern.compile("pl-(?:[0-9a-f]{8}|[0-9a-f]{17})");
  static final Pattern K8S_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  public static final int MAX_TEXT = 255;

  private Validation() {}

  /** A group name as EC2 takes it in a VPC: 1-255 allowed characters, not sg-..., not default. */
  public static List<Problem> groupName(String field, String name) {
    List<Problem> out = new ArrayList<>();
    if (name == null || name.isEmpty()) {
      out.add(Problem.error(field, "must not be empty"));
      return out;
    }
    if (name.toLowerCase(Locale.ROOT).startsWith("sg-")) {
      out.add(
          Problem.error(
              field, "\"" + name + "\" starts with \"sg-\", which EC2 reserves for group ids"));
    }
    if (name.equalsIgnoreCase("default")) {
      // EC2 compares group names without regard to case.
      out.add(
          Problem.error(
              field,
              "\""
                  + name
                  + "\" is the name of each VPC's default group (EC2 ignores case in group names)"
                  + " and cannot be created"));
    }
    text(field, name, out);
    return out;
  }

  /** A group's description, which EC2 requires: 1-255 characters of EC2's allowed set. */
  public static List<Problem> groupDescription(String field, String text) {
    if (text == null || text.isEmpty()) {
      return List.of(Problem.error(field, "must not be empty: EC2 requires a group description"));
    }
    return description(field, text);
  }

  /** A rule description: at most 255 characters of EC2's allowed set; empty means none. */
  public static List<Problem> description(String field, String text) {
    List<Problem> out = new ArrayList<>();
    if (text != null) {
      text(field, text, out);
    }
    return out;
  }

  private static void text(String field, String text, List<Problem> out) {
    if (text.length() > MAX_TEXT) {
      out.add(
          Problem.error(
              field, "is " + text.length() + " characters long; EC2 allows at most " + MAX_TEXT));
    }
    if (!TEXT.matcher(text).matches()) {
      StringBuilder bad = new StringBuilder();
      text.codePoints()
          .filter(c -> !TEXT.matcher(new String(Character.toChars(c))).matches())
          .distinct()
          .forEach(c -> bad.append(bad.length() == 0 ? "" : " ").appendCodePoint(c));
      out.add(
          Problem.error(
              field,
              "contains characters EC2 refuses (" + bad + "); allowed are " + ALLOWED_TEXT_CHARS));
    }
  }

  public static boolean isGroupId(String s) {
    return s != null && GROUP_ID.matcher(s).matches();
  }

  public static boolean isPrefixListId(String s) {
    return s != null && PREFIX_LIST_ID.matcher(s).matches();
  }

  public static boolean isKubernetesName(String s) {
    return s != null && s.length() <= 253 && K8S_NAME.matcher(s).matches();
  }

  /**
   * The number of groups on one network interface, as EC2 limits it. {@code field} names the list
   * of groups being attached.
   */
  public static List<Problem> groupsPerInterface(String field, int count, Quotas quotas) {
    if (count > quotas.groupsPerInterface()) {
      return List.of(
          Problem.error(
              field,
              count
                  + " security groups on one network interface exceed the quota of "
                  + quotas.groupsPerInterface()
                  + " (EC2's default is 5; accounts can raise it to at most "
                  + Quotas.MAX_GROUPS_PER_INTERFACE
                  + ")"));
    }
    if (count < 1) {
      return List.of(Problem.error(field, "a network interface needs at least one security group"));
    }
    return List.of();
  }
}
