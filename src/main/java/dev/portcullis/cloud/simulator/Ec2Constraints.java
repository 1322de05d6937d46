package dev.portcullis.cloud.simulator;

import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * EC2's constraints on names, descriptions, tags, ids and rule shapes, as checks that return what
 * is wrong (or null when nothing is). Shared by the simulator and the world-file loader so that a
 * world file cannot hold what EC2 itself would refuse.
 */
final class Ec2Constraints {
  private Ec2Constraints() {}

  /** EC2's limit on group names, group descriptions and rule descriptions. */
  static final int MAX_TEXT = 255;

  static final int MAX_TAG_KEY = 128;
  static final int MAX_TAG_VALUE = 256;
  static final int MAX_TAGS = 50;

  /** Besides letters and digits, the characters EC2 accepts in VPC group names and descriptions. */
  static final String PUNCTUATION = " ._-:/()#,@[]+=&;{}!$*";

  /** EC2 ids: a prefix and 8 (older resources) or 17 lower-case hex digits. */
  private static final String HEX_ID = "-([0-9a-f]{8}|[0-9a-f]{17})";

  static final Pattern GROUP_ID = Pattern.compile("sg" + HEX_ID);
  static final Pattern VPC_ID = Pattern.compile("vpc" + HEX_ID);
  static final Pattern INSTANCE_ID = Pattern.compile("i" + HEX_ID);
  static final Pattern INTERFACE_ID = Pattern.compile("eni" + HEX_ID);
  static final Pattern PREFIX_LIST_ID = Pattern.compile("pl" + HEX_ID);

  /** Region names such as {@code eu-west-1} or {@code us-gov-west-1}. */
  static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");

  static boolean allowedText(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || PUNCTUATION.indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String textProblem(String what, String s) {
    if (s.length() > MAX_TEXT) {
      return what + " is " + s.length() + " characters long; EC2 allows at most " + MAX_TEXT;
    }
    if (!allowedText(s)) {
      return what
          + " \""
          + s
          + "\" has characters EC2 does not accept; allowed are a-z, A-Z, 0-9, spaces and "
          + PUNCTUATION.trim();
    }
    return null;
  }

  /** What is wrong with a group name; names of "default" and "sg-..." are checked elsewhere. */
  static String groupNameProblem(String name) {
    String p = textProblem("security group name", name);
    if (p != null) {
      return p;
    }
    if (name.startsWith("sg-")) {
      return "security group name \"" + name + "\" starts with \"sg-\", which EC2 reserves for ids";
    }
    return null;
  }

  static String groupDescriptionProblem(String description) {
    return textProblem("security group description", description);
  }

  static String ruleDescriptionProblem(String description) {
    return textProblem("rule description", description);
  }

  static String tagProblem(String key, String value) {
    if (key == null || key.isEmpty()) {
      return "a tag key is empty";
    }
    if (key.length() > MAX_TAG_KEY) {
      return "tag key \"" + key + "\" is longer than " + MAX_TAG_KEY + " characters";
    }
    if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
      return "tag key \"" + key + "\" starts with \"aws:\", which AWS reserves for its own tags";
    }
    if (value == null) {
      return "tag \"" + key + "\" has no value";
    }
    if (value.length() > MAX_TAG_VALUE) {
      return "the value of tag \"" + key + "\" is longer than " + MAX_TAG_VALUE + " characters";
    }
    return null;
  }

  /**
   * What is wrong with a rule's ports for its protocol, in the engine's canonical encoding (which
   * is EC2's): tcp and udp take a range within 0-65535; icmp and icmpv6 a type and a code, each -1
   * (any) or 0-255, with a code only under a specific type; every other protocol -1 and -1.
   */
  static String portsProblem(Rule r) {
    Protocol p = r.protocol();
    int from = r.fromPort();
    int to = r.toPort();
    if (p.hasPorts()) {
      if (from < 0 || from > 65535 || to < 0 || to > 65535) {
        return p.name() + " ports " + from + "-" + to + " are outside 0-65535";
      }
      if (from > to) {
        return p.name() + " port range " + from + "-" + to + " starts after it ends";
      }
      return null;
    }
    if (p.isIcmp()) {
      if (from < -1 || from > 255) {
        return p.name() + " type " + from + " is outside -1..255";
      }
      if (to < -1 || to > 255) {
        return p.name() + " code " + to + " is outside -1..255";
      }
      if (from == -1 && to != -1) {
        return p.name() + " code " + to + " needs a specific type, not -1 (any)";
      }
      return null;
    }
    if (from != -1 || to != -1) {
      return "protocol "
          + p.name()
          + " has no ports, so from and to must both be -1 (got "
          + from
          + " and "
          + to
          + ")";
    }
    return null;
  }
}
