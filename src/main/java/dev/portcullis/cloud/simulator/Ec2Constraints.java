package dev.portcullis.cloud.simulator;

import dev.portcullis.engine.Canonicalizer;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.Validation;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * EC2's constraints on names, descriptions, tags, ids and rule shapes, as checks that return what
 * is wrong (or null when nothing is). Shared by the simulator and the world-file loader so that a
 * world file cannot hold what EC2 itself would refuse.
 *
 * <p>Where the engine already checks something (group names and descriptions in {@link Validation},
 * ports and ICMP types in {@link Canonicalizer}), these checks call it rather than repeat it, so
 * that what the simulator refuses and what the engine refuses cannot drift apart. The simulator
 * only adds EC2's error codes around the engine's answers.
 */
final class Ec2Constraints {
  private Ec2Constraints() {}

  static final int MAX_TAG_KEY = 128;
  static final int MAX_TAG_VALUE = 256;
  static final int MAX_TAGS = 50;

  /** The name of every VPC's default group, which no other group may take, in any case. */
  static final String DEFAULT_GROUP = "default";

  /** EC2 ids: a prefix and 8 (older resources) or 17 lower-case hex digits. */
  private static final String HEX_ID = "-([0-9a-f]{8}|[0-9a-f]{17})";

  static final Pattern VPC_ID = Pattern.compile("vpc" + HEX_ID);
  static final Pattern INSTANCE_ID = Pattern.compile("i" + HEX_ID);
  static final Pattern INTERFACE_ID = Pattern.compile("eni" + HEX_ID);
  static final Pattern RULE_ID = Pattern.compile("sgr" + HEX_ID);
  static final Pattern PREFIX_LIST_ID = Pattern.compile("pl" + HEX_ID);

  /** Region names such as {@code eu-west-1} or {@code us-gov-west-1}. */
  static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");

  static boolean isGroupId(String id) {
    return Validation.isGroupId(id);
  }

  static boolean isPrefixListId(String id) {
    return Validation.isPrefixListId(id);
  }

  /**
   * The key by which group names are compared and looked up. EC2's group names are case-insensitive
   * ("names are case-insensitive and must be unique within the VPC"): {@code WEB} and {@code web}
   * are one name, though a group keeps the spelling it was created with.
   */
  static String nameKey(String groupName) {
    return groupName.toLowerCase(Locale.ROOT);
  }

  /** Whether a name is the default group's, which EC2 reserves in any case ({@code Default}). */
  static boolean isDefaultName(String groupName) {
    return nameKey(groupName).equals(DEFAULT_GROUP);
  }

  /**
   * What is wrong with a group name (length, characters, an {@code sg-} prefix in any case); the
   * reserved name {@code default} is checked by the caller, which answers it with its own code.
   */
  static String groupNameProblem(String name) {
    return problem("security group name", Validation.groupName("name", name));
  }

  static String groupDescriptionProblem(String description) {
    return problem(
        "security group description", Validation.description("description", description));
  }

  static String ruleDescriptionProblem(String description) {
    return problem("rule description", Validation.description("description", description));
  }

  static String tagProblem(String key, String value) {
    String p = tagKeyProblem(key);
    if (p != null) {
      return p;
    }
    if (value == null) {
      return "tag \"" + key + "\" has no value";
    }
    if (value.length() > MAX_TAG_VALUE) {
      return "the value of tag \"" + key + "\" is longer than " + MAX_TAG_VALUE + " characters";
    }
    return null;
  }

  static String tagKeyProblem(String key) {
    if (key == null || key.isEmpty()) {
      return "a tag key is empty";
    }
    if (key.length() > MAX_TAG_KEY) {
      return "tag key \"" + key + "\" is longer than " + MAX_TAG_KEY + " characters";
    }
    if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
      return "tag key \"" + key + "\" starts with \"aws:\", which AWS reserves for its own tags";
    }
    return null;
  }

  /**
   * What is wrong with a rule's protocol and ports, in the engine's canonical encoding (which is
   * EC2's): tcp and udp take a range within 0-65535; icmp and icmpv6 a type and a code, each -1
   * (any) or 0-255, with a code only under a specific type; every other protocol -1 and -1.
   *
   * <p>The rule is written back as the spec a user would write ({@link Canonicalizer#toSpec}) and
   * handed to the engine, whose answer is the simulator's; only the encoding of port-less
   * protocols, which a spec cannot express, is checked here. The peer and the description are set
   * aside: the simulator checks peers itself, with EC2's codes for unknown groups and prefix lists,
   * and descriptions with {@link #ruleDescriptionProblem}.
   */
  static String portsProblem(Rule r) {
    Rule probe = r.withPeer(Cidr4.ANY).withDescription("");
    Canonicalizer.Result result =
        Canonicalizer.canonicalize(List.of(Canonicalizer.toSpec(probe, "rule")));
    if (!result.ok()) {
      return result.errors().stream().map(Problem::message).collect(Collectors.joining("; "));
    }
    Rule canonical = result.rules().get(0);
    if (canonical.fromPort() != r.fromPort() || canonical.toPort() != r.toPort()) {
      return "protocol "
          + r.protocol().name()
          + " has no ports, so from and to must both be -1 (got "
          + r.fromPort()
          + " and "
          + r.toPort()
          + ")";
    }
    return null;
  }

  /** The engine's problems as one message, each led by {@code what}; null when there is none. */
  private static String problem(String what, List<Problem> problems) {
    List<Problem> errors = problems.stream().filter(Problem::isError).toList();
    if (errors.isEmpty()) {
      return null;
    }
    return errors.stream().map(p -> what + " " + p.message()).collect(Collectors.joining("; "));
  }
}
