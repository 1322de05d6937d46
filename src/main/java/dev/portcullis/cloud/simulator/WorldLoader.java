package dev.portcullis.cloud.simulator;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.engine.Canonicalizer;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.NamedGroupPeer;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PeerSpec;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts.PrefixListSize;
import dev.portcullis.engine.RuleSpec;
import dev.portcullis.engine.Validation;
import dev.portcullis.engine.eval.Listener;
import dev.portcullis.engine.eval.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Reads a world file (YAML; the format is described in {@code docs/simulator.md}) into a {@link
 * World}, checking everything EC2 would: well-formed and unique ids, addresses inside their VPC's
 * CIDR, known VPCs, group names and prefix lists, valid rules, listeners and traffic. Every problem
 * found is reported at once in a {@link WorldFileException}, each with its path in the document.
 *
 * <p>Groups' rules have the shape of a SecurityGroup resource's rules and are checked by the
 * engine's {@link Canonicalizer}, against the quotas given (EC2's defaults unless the account's
 * raised ones are passed in). What the engine only warns about, such as a CIDR with host bits set,
 * does not stop the world: it is in {@link World#warnings()}.
 */
public final class WorldLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** The file being read; several files make one world, read one after the other. */
  private String source;

  /** Whether the world comes from several files, so that places name their file too. */
  private boolean severalFiles;

  private final Quotas quotas;
  private final List<Problem> problems = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();

  /** Where each id was first declared, to name both places when one is declared twice. */
  private final Map<String, String> vpcPaths = new HashMap<>();

  private final Map<String, String> instancePaths = new HashMap<>();
  private final Map<String, String> interfacePaths = new HashMap<>();

  /** Prefix lists declared, as region/id, and where. */
  private final Map<String, String> prefixListPaths = new HashMap<>();

  /** The file of every VPC, to say so when an instance of another file names it. */
  private final Map<String, String> vpcSources = new HashMap<>();

  /** Private addresses in use, per VPC. */
  private final Map<String, String> privateIpPaths = new HashMap<>();

  /** The region of every VPC and instance, to say where a misplaced reference points. */
  private final Map<String, String> vpcRegions = new HashMap<>();

  private final Map<String, String> instanceRegions = new HashMap<>();

  /** VPCs declared with an error already reported: what refers to them is not reported again. */
  private final Set<String> brokenVpcs = new HashSet<>();

  private WorldLoader(String source, Quotas quotas) {
    this.source = source;
    this.quotas = Objects.requireNonNull(quotas, "quotas");
  }

  /** Reads and checks a world file against EC2's default quotas. */
  public static World load(Path file) {
    return load(file, Quotas.DEFAULT);
  }

  /** Reads and checks a world file against the account's quotas (the simulator's). */
  public static World load(Path file, Quotas quotas) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read world file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString(), quotas);
  }

  /**
   * Reads several world files into one world, as the simulator of several examples needs: regions
   * of the same name are joined, and every id (VPC, instance, interface, prefix list) and traffic
   * flow name must be unique across the files, as in one EC2. A duplicate is refused with both
   * places named. Each file is complete in itself: its instances sit in its own VPCs and its
   * groups' rules name groups of its own VPCs. The files are read in the order given, which is the
   * order in which the simulator hands out ids.
   *
   * @throws WorldFileException for the first file with problems, with every problem found in it
   */
  public static World load(List<Path> files, Quotas quotas) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no world file given");
    }
    if (files.size() == 1) {
      return load(files.get(0), quotas);
    }
    WorldLoader loader = new WorldLoader(null, quotas);
    loader.severalFiles = true;
    Map<String, World.Region> regions = new LinkedHashMap<>();
    List<World.TrafficFlow> traffic = new ArrayList<>();
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read world file " + file + ": " + e.getMessage(), e);
      }
      loader.source = file.toString();
      loader.readInto(loader.tree(text), regions, traffic);
      if (!loader.problems.isEmpty()) {
        throw new WorldFileException(loader.source, loader.problems);
      }
    }
    return new World(regions, traffic, loader.warnings);
  }

  /** Reads and checks a world from the class path, such as {@code /worlds/demo.yaml}. */
  public static World loadResource(String resource) {
    try (InputStream in = WorldLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no world resource " + resource + " on the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read world resource " + resource, e);
    }
  }

  /**
   * Parses and checks a world against EC2's default quotas.
   *
   * @param source where the text came from, for messages (a file name)
   */
  public static World parse(String yaml, String source) {
    return parse(yaml, source, Quotas.DEFAULT);
  }

  /** Parses and checks a world against the account's quotas (the simulator's). */
  public static World parse(String yaml, String source, Quotas quotas) {
    return new WorldLoader(source, quotas).read(yaml);
  }

  /** A place in the document: the YAML node there (null when absent) and its path. */
  private record Node(JsonNode json, String path) {
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

  private World read(String text) {
    Map<String, World.Region> regions = new LinkedHashMap<>();
    List<World.TrafficFlow> traffic = new ArrayList<>();
    readInto(tree(text), regions, traffic);
    if (!problems.isEmpty()) {
      throw new WorldFileException(source, problems);
    }
    return new World(regions, traffic, warnings);
  }

  private JsonNode tree(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "(document)" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new WorldFileException(
          source, List.of(Problem.error(where, "malformed YAML: " + e.getOriginalMessage())));
    }
    if (!new Node(root, "").present()) {
      throw new WorldFileException(
          source,
          List.of(Problem.error("(document)", "the file is empty; a world needs 'regions'")));
    }
    return root;
  }

  /**
   * Reads one file's regions and traffic into those of the world read so far: a region already
   * there gets the file's VPCs, prefix lists and instances after its own.
   */
  private void readInto(
      JsonNode root, Map<String, World.Region> regions, List<World.TrafficFlow> traffic) {
    Node doc = new Node(root, "");
    if (!mapping(doc, "world", "regions", "traffic")) {
      return;
    }
    regions(doc.field("regions")).forEach((name, r) -> regions.merge(name, r, WorldLoader::joined));
    for (Node n : list(doc.field("traffic"))) {
      World.TrafficFlow f = trafficFlow(n, regions, traffic);
      if (f != null) {
        traffic.add(f);
      }
    }
  }

  private static World.Region joined(World.Region a, World.Region b) {
    List<World.Vpc> vpcs = new ArrayList<>(a.vpcs());
    vpcs.addAll(b.vpcs());
    List<World.PrefixList> prefixLists = new ArrayList<>(a.prefixLists());
    prefixLists.addAll(b.prefixLists());
    List<World.Instance> instances = new ArrayList<>(a.instances());
    instances.addAll(b.instances());
    return new World.Region(a.name(), vpcs, prefixLists, instances);
  }

  /** Where a node is, for a message read with another file's: the path, and the file if several. */
  private String place(Node n) {
    return severalFiles ? source + ": " + n.path() : n.path();
  }

  // ---------------------------------------------------------------- regions and VPCs

  private Map<String, World.Region> regions(Node n) {
    Map<String, World.Region> out = new LinkedHashMap<>();
    if (!n.present()) {
      error(n, "missing required field 'regions' (a mapping from region name to its VPCs)");
      return out;
    }
    if (!n.json().isObject()) {
      error(
          n,
          "must be a mapping from region name (such as eu-west-1) to the region, not " + kind(n));
      return out;
    }
    for (Iterator<String> it = n.json().fieldNames(); it.hasNext(); ) {
      String name = it.next();
      Node rn = n.field(name);
      if (!Ec2Constraints.REGION.matcher(name).matches()) {
        error(rn, "'" + name + "' is not a region name such as eu-west-1");
        continue;
      }
      World.Region r = region(name, rn);
      if (r != null) {
        out.put(name, r);
      }
    }
    return out;
  }

  private World.Region region(String name, Node n) {
    if (!mapping(n, "region", "vpcs", "prefixLists", "instances")) {
      return null;
    }
    Map<String, World.PrefixList> prefixLists = new LinkedHashMap<>();
    for (Node pn : list(n.field("prefixLists"))) {
      World.PrefixList pl = prefixList(name, pn, prefixLists);
      if (pl != null) {
        prefixLists.put(pl.id(), pl);
      }
    }
    Map<String, World.Vpc> vpcs = new LinkedHashMap<>();
    for (Node vn : list(n.field("vpcs"))) {
      World.Vpc v = vpc(name, vn, prefixLists);
      if (v != null) {
        vpcs.put(v.id(), v);
      }
    }
    List<World.Instance> instances = new ArrayList<>();
    for (Node in : list(n.field("instances"))) {
      World.Instance i = instance(name, in, vpcs);
      if (i != null) {
        instances.add(i);
      }
    }
    return new World.Region(
        name, List.copyOf(vpcs.values()), List.copyOf(prefixLists.values()), instances);
  }

  private World.PrefixList prefixList(String region, Node n, Map<String, World.PrefixList> seen) {
    if (!mapping(n, "prefix list", "id", "maxEntries", "family")) {
      return null;
    }
    String id = id(n.field("id"), Ec2Constraints::isPrefixListId, "pl-");
    Integer max = integer(n.field("maxEntries"), true);
    String familyText = string(n.field("family"), false);
    PrefixListSize.Family family = PrefixListSize.Family.IPV4;
    if (familyText != null) {
      if (familyText.equals("ipv4")) {
        family = PrefixListSize.Family.IPV4;
      } else if (familyText.equals("ipv6")) {
        family = PrefixListSize.Family.IPV6;
      } else {
        error(n.field("family"), "'" + familyText + "' is not a family: write ipv4 or ipv6");
        return null;
      }
    }
    if (max != null && max < 1) {
      error(n.field("maxEntries"), "must be at least 1, not " + max);
      return null;
    }
    if (id == null || max == null) {
      return null;
    }
    if (seen.containsKey(id)) {
      error(n.field("id"), "prefix list " + id + " is declared twice in this region");
      return null;
    }
    String first = prefixListPaths.putIfAbsent(region + "/" + id, place(n.field("id")));
    if (first != null) {
      error(n.field("id"), "duplicate prefix list id " + id + ", first declared at " + first);
      return null;
    }
    return new World.PrefixList(id, max, family);
  }

  private World.Vpc vpc(String region, Node n, Map<String, World.PrefixList> prefixLists) {
    if (!mapping(n, "VPC", "id", "cidr", "ipv6Cidr", "groups")) {
      return null;
    }
    String id = id(n.field("id"), Ec2Constraints.VPC_ID.asMatchPredicate(), "vpc-");
    if (id != null && !firstDeclaration(vpcPaths, id, n.field("id"), "VPC")) {
      brokenVpcs.add(id); // what refers to it is not reported again
      id = null;
    }
    Cidr4 cidr = null;
    Node cn = n.field("cidr");
    String cidrText = string(cn, true);
    if (cidrText != null) {
      Peer p = vpcBlock(cn, cidrText);
      if (p instanceof Cidr4 c) {
        if (c.prefixLength() < 16 || c.prefixLength() > 28) {
          error(cn, cidrText + ": EC2 VPC blocks are between /16 and /28");
        } else {
          cidr = c;
        }
      } else if (p != null) {
        error(cn, cidrText + " is IPv6; put a VPC's IPv6 block in 'ipv6Cidr'");
      }
    }
    Cidr6 ipv6 = null;
    Node v6n = n.field("ipv6Cidr");
    String v6Text = string(v6n, false);
    if (v6Text != null) {
      Peer p = vpcBlock(v6n, v6Text);
      if (p instanceof Cidr6 c) {
        ipv6 = c;
      } else if (p != null) {
        error(v6n, v6Text + " is not an IPv6 CIDR");
      }
    }
    // Names first, so that rules may reference any group of the VPC whatever the order. Names are
    // case-insensitive in EC2: the map goes from the name's key to the name as declared.
    List<Node> groupNodes = list(n.field("groups"));
    Map<String, String> names = new LinkedHashMap<>();
    names.put(Ec2Constraints.DEFAULT_GROUP, Ec2Constraints.DEFAULT_GROUP);
    for (Node gn : groupNodes) {
      if (gn.present() && gn.json().isObject() && gn.json().path("name").isTextual()) {
        String name = gn.json().path("name").asText();
        String first = names.putIfAbsent(Ec2Constraints.nameKey(name), name);
        if (Ec2Constraints.isDefaultName(name)) {
          error(
              gn.field("name"),
              "'"
                  + name
                  + "' is the name of the VPC's default group, which every VPC has (group names"
                  + " are case-insensitive); choose another name");
        } else if (first != null) {
          error(
              gn.field("name"),
              "group '"
                  + name
                  + "' is declared twice in "
                  + (id == null ? "this VPC" : id)
                  + (first.equals(name)
                      ? ""
                      : " (as '" + first + "'; group names are case-insensitive)"));
        }
      }
    }
    GroupRefs refs = new GroupRefs(id, names);
    List<World.GroupSpec> groups = new ArrayList<>();
    for (Node gn : groupNodes) {
      World.GroupSpec g = group(gn, refs, prefixLists);
      if (g != null) {
        groups.add(g);
      }
    }
    if (id == null || cidr == null) {
      if (id != null) {
        brokenVpcs.add(id);
      }
      return null;
    }
    vpcRegions.put(id, region);
    vpcSources.put(id, source);
    return new World.Vpc(id, cidr, ipv6, groups);
  }

  /**
   * A group's rules are written as a SecurityGroup resource's are, and checked by the engine's
   * {@link Canonicalizer}, so that a rule has one shape and one set of checks wherever it is
   * written. What only a world can get wrong (a group name or prefix list the world does not
   * declare) is checked here first.
   */
  private World.GroupSpec group(Node n, GroupRefs refs, Map<String, World.PrefixList> prefixLists) {
    if (!mapping(n, "security group", "name", "description", "tags", "ingress", "egress")) {
      return null;
    }
    String name = string(n.field("name"), true);
    if (name != null && Ec2Constraints.isDefaultName(name)) {
      name = null; // reported with the VPC's names
    } else if (name != null) {
      String p = Ec2Constraints.groupNameProblem(name);
      if (p != null) {
        error(n.field("name"), p);
        name = null;
      }
    }
    String description = string(n.field("description"), false);
    if (description == null) {
      description = name == null ? "" : name;
    } else {
      String p = Ec2Constraints.groupDescriptionProblem(description);
      if (p != null) {
        error(n.field("description"), p);
      }
    }
    Map<String, String> tags = tags(n.field("tags"));
    int before = problems.size();
    List<RuleSpec> specs = new ArrayList<>();
    ruleSpecs(n.field("ingress"), Direction.INGRESS, refs, prefixLists.keySet(), specs);
    boolean keepsDefaultEgress = !n.field("egress").present();
    ruleSpecs(n.field("egress"), Direction.EGRESS, refs, prefixLists.keySet(), specs);
    Map<String, PrefixListSize> sizes = new HashMap<>();
    prefixLists.values().forEach(pl -> sizes.put(pl.id(), pl.size()));
    Canonicalizer.Result result = Canonicalizer.canonicalize(specs, quotas, sizes);
    for (Problem p : result.problems()) {
      // The engine names a direction as a whole (for its quota) with the resource's path.
      String field = p.field().startsWith("spec.") ? n.path() + p.field().substring(4) : p.field();
      if (severalFiles && !p.isError()) {
        field = source + ": " + field; // a warning outlives the file it was found in
      }
      Problem here = new Problem(p.severity(), field, refs.inMessage(p.message()));
      if (here.isError()) {
        problems.add(here);
      } else {
        warnings.add(here);
      }
    }
    if (name == null || problems.size() > before) {
      return null;
    }
    List<Rule> ingress = new ArrayList<>();
    List<Rule> egress = new ArrayList<>();
    for (Rule r : result.rules()) {
      Rule named = refs.declared(r);
      (r.direction() == Direction.INGRESS ? ingress : egress).add(named);
    }
    if (keepsDefaultEgress) {
      // As for a SecurityGroup resource: no egress field keeps EC2's allow-all rule; an empty
      // list means no egress at all.
      egress.add(Rule.DEFAULT_EGRESS);
    }
    return new World.GroupSpec(name, description, tags, ingress, egress);
  }

  /**
   * Reads the rules of one direction as written (the SecurityGroup resource's shape: protocol,
   * ports, icmp, description, and peers under {@code from} or {@code to}) into {@code out}, with
   * their paths. A rule whose fields are of the wrong kind is reported here and left out, so that
   * the engine does not report it a second time as, say, a rule without ports.
   */
  private void ruleSpecs(
      Node n, Direction direction, GroupRefs refs, Set<String> prefixLists, List<RuleSpec> out) {
    String peersField = direction == Direction.INGRESS ? "from" : "to";
    for (Node rn : list(n)) {
      if (!mapping(
          rn, direction.word() + " rule", "protocol", "ports", "icmp", peersField, "description")) {
        continue;
      }
      int before = problems.size();
      String protocol = null;
      Node pn = rn.field("protocol");
      if (pn.present()) {
        if (pn.json().isTextual() || pn.json().isIntegralNumber()) {
          protocol = pn.json().asText();
        } else {
          error(
              pn,
              "a protocol is a name (tcp, udp, icmp, icmpv6, all) or a number, not " + kind(pn));
        }
      }
      List<String> ports = new ArrayList<>();
      for (Node item : list(rn.field("ports"))) {
        JsonNode j = item.json();
        if (j != null && (j.isTextual() || j.isIntegralNumber())) {
          ports.add(j.asText());
        } else {
          error(
              item,
              "a port is a number (22), a range (\"8000-8080\") or a name (ssh), not "
                  + kind(item));
        }
      }
      Integer icmpType = null;
      Integer icmpCode = null;
      Node icmp = rn.field("icmp");
      if (icmp.present() && mapping(icmp, "ICMP match", "type", "code")) {
        icmpType = integer(icmp.field("type"), true);
        icmpCode = integer(icmp.field("code"), false);
      }
      String description = string(rn.field("description"), false);
      List<PeerSpec> peers = new ArrayList<>();
      for (Node item : list(rn.field(peersField))) {
        peers.add(peerSpec(item, refs, prefixLists));
      }
      if (problems.size() == before) {
        out.add(
            new RuleSpec(
                rn.path(), direction, protocol, ports, icmpType, icmpCode, peers, description));
      }
    }
  }

  /**
   * One peer as the engine takes it. A peer that names what the world does not have is reported
   * here and handed on as {@code self}, so that the rule's other problems are still found.
   */
  private PeerSpec peerSpec(Node n, GroupRefs refs, Set<String> prefixLists) {
    PeerSpec stand = PeerSpec.selfRef();
    if (!mapping(n, "peer", "cidr", "securityGroup", "securityGroupId", "prefixListId", "self")) {
      return stand;
    }
    int before = problems.size();
    String cidr = string(n.field("cidr"), false);
    String group = string(n.field("securityGroup"), false);
    String groupId = string(n.field("securityGroupId"), false);
    String prefixList = string(n.field("prefixListId"), false);
    Boolean self = null;
    Node sn = n.field("self");
    if (sn.present()) {
      if (sn.json().isBoolean()) {
        self = sn.json().booleanValue();
      } else {
        error(sn, "must be true (the rule's own group), not " + kind(sn));
      }
    }
    if (problems.size() > before) {
      return stand;
    }
    PeerSpec spec = new PeerSpec(cidr, group, groupId, prefixList, self);
    long named = Stream.of(cidr, group, groupId, prefixList, self).filter(Objects::nonNull).count();
    if (named != 1) {
      return spec; // the engine says what is wrong with it
    }
    if (group != null) {
      String standIn = refs.standIn(group);
      if (standIn == null) {
        error(
            n.field("securityGroup"),
            "no group '" + group + "' in " + refs.vpc() + "; its groups are " + refs.names());
        return stand;
      }
      return PeerSpec.group(standIn);
    }
    if (groupId != null) {
      error(
          n.field("securityGroupId"),
          "the groups of a world get their ids when the simulator starts, so a world's rule cannot"
              + " name one by id; name a group of the same VPC with securityGroup, or the rule's"
              + " own group with self: true");
      return stand;
    }
    if (prefixList != null
        && Ec2Constraints.isPrefixListId(prefixList)
        && !prefixLists.contains(prefixList)) {
      error(
          n.field("prefixListId"),
          "prefix list " + prefixList + " is not declared in this region's prefixLists");
      return stand;
    }
    return spec;
  }

  /**
   * The groups a rule of one VPC may name. The engine reads a {@code securityGroup} peer as the
   * name of a SecurityGroup resource, which allows fewer characters than an EC2 group name (no
   * capitals, no spaces). Each group is therefore handed to the engine under a stand-in that is a
   * valid resource name, and its own name is put back in the canonical rules and in the engine's
   * messages: the stand-in is the name itself when it is a valid resource name, otherwise {@code
   * sg-N-name}, which no EC2 group can be called. References are case-insensitive, as EC2's names
   * are, and resolve to the name as declared.
   */
  private static final class GroupRefs {
    private final String vpc;
    private final Map<String, String> byKey;
    private final Map<String, String> standIns = new HashMap<>();
    private final Map<String, String> declared = new HashMap<>();

    GroupRefs(String vpcId, Map<String, String> byKey) {
      this.vpc = vpcId == null ? "this VPC" : vpcId;
      this.byKey = byKey;
      int k = 0;
      for (String name : byKey.values()) {
        String standIn = name;
        if (!Validation.isKubernetesName(name)) {
          standIn = "sg-" + k + "-name";
          k++;
        }
        standIns.put(name, standIn);
        declared.put(standIn, name);
      }
    }

    String vpc() {
      return vpc;
    }

    Collection<String> names() {
      return byKey.values();
    }

    /** The stand-in for a referenced name, or null when the VPC has no such group. */
    String standIn(String reference) {
      String name = byKey.get(Ec2Constraints.nameKey(reference));
      return name == null ? null : standIns.get(name);
    }

    /** A canonical rule with its group reference, if any, back under the group's own name. */
    Rule declared(Rule r) {
      if (r.peer() instanceof NamedGroupPeer n) {
        return r.withPeer(new NamedGroupPeer(declared.get(n.name())));
      }
      return r;
    }

    String inMessage(String message) {
      String out = message;
      for (Map.Entry<String, String> e : declared.entrySet()) {
        if (!e.getKey().equals(e.getValue())) {
          out =
              out.replace(
                  new NamedGroupPeer(e.getKey()).display(),
                  new NamedGroupPeer(e.getValue()).display());
        }
      }
      return out;
    }
  }

  // ---------------------------------------------------------------- instances

  private World.Instance instance(String region, Node n, Map<String, World.Vpc> vpcs) {
    if (!mapping(
        n,
        "instance",
        "id",
        "vpc",
        "privateIp",
        "publicIp",
        "ipv6",
        "interfaceId",
        "groups",
        "tags",
        "listening",
        "interfaces")) {
      return null;
    }
    String id = id(n.field("id"), Ec2Constraints.INSTANCE_ID.asMatchPredicate(), "i-");
    if (id != null && !firstDeclaration(instancePaths, id, n.field("id"), "instance")) {
      id = null;
    }
    World.Vpc vpc = null;
    Node vn = n.field("vpc");
    String vpcId = string(vn, true);
    if (vpcId != null) {
      vpc = vpcs.get(vpcId);
      if (vpc == null && !brokenVpcs.contains(vpcId)) {
        String elsewhere = vpcRegions.get(vpcId);
        error(
            vn,
            elsewhere != null && elsewhere.equals(region)
                ? "VPC "
                    + vpcId
                    + " is declared in "
                    + vpcSources.get(vpcId)
                    + "; an instance is declared in the same world file as its VPC"
                : elsewhere != null
                    ? "VPC " + vpcId + " is in region " + elsewhere + ", not " + region
                    : "unknown VPC '"
                        + vpcId
                        + "'; "
                        + (vpcs.isEmpty()
                            ? "region " + region + " declares no VPC"
                            : "the VPCs of "
                                + region
                                + " are "
                                + String.join(", ", vpcs.keySet())));
      }
    }
    Map<String, String> tags = tags(n.field("tags"));
    Set<Listener> listening = new LinkedHashSet<>();
    for (Node ln : list(n.field("listening"))) {
      Listener l = listener(ln);
      if (l != null) {
        listening.add(l);
      }
    }
    if (vpc == null) {
      // Addresses and groups cannot be checked without the VPC; their syntax still can.
      return null;
    }
    List<World.Interface> interfaces = new ArrayList<>();
    World.Interface primary = networkInterface(n, "interfaceId", vpc);
    List<Node> extras = list(n.field("interfaces"));
    boolean ok = primary != null;
    interfaces.add(primary);
    for (Node en : extras) {
      if (!mapping(en, "network interface", "id", "privateIp", "publicIp", "ipv6", "groups")) {
        ok = false;
        continue;
      }
      World.Interface extra = networkInterface(en, "id", vpc);
      ok &= extra != null;
      interfaces.add(extra);
    }
    if (id == null || !ok) {
      return null;
    }
    instanceRegions.put(id, region);
    return new World.Instance(id, vpc.id(), tags, listening, interfaces);
  }

  private World.Interface networkInterface(Node n, String idField, World.Vpc vpc) {
    boolean ok = true;
    String id = null;
    if (n.field(idField).present()) {
      id = id(n.field(idField), Ec2Constraints.INTERFACE_ID.asMatchPredicate(), "eni-");
      ok &= id != null && firstDeclaration(interfacePaths, id, n.field(idField), "interface");
    }
    Node pn = n.field("privateIp");
    String privateIp = null;
    String text = string(pn, true);
    if (text != null) {
      Optional<Integer> a = Ip.parse4(text);
      if (a.isEmpty()) {
        error(pn, "'" + text + "' is not an IPv4 address");
      } else if (!vpc.cidr().contains(a.get())) {
        error(
            pn,
            text
                + " is outside "
                + vpc.id()
                + "'s CIDR "
                + vpc.cidr().display()
                + "; pick an address inside it");
      } else {
        privateIp = Ip.format4(a.get());
        String key = vpc.id() + "/" + privateIp;
        String first = privateIpPaths.putIfAbsent(key, pn.path());
        if (first != null) {
          error(pn, privateIp + " is already used in " + vpc.id() + " by " + first);
          privateIp = null;
        }
      }
    }
    ok &= privateIp != null;
    String publicIp = null;
    Node pubn = n.field("publicIp");
    String pubText = string(pubn, false);
    if (pubText != null) {
      Optional<Integer> a = Ip.parse4(pubText);
      if (a.isEmpty()) {
        error(pubn, "'" + pubText + "' is not an IPv4 address");
        ok = false;
      } else {
        publicIp = Ip.format4(a.get());
      }
    }
    String ipv6 = null;
    Node v6n = n.field("ipv6");
    String v6Text = string(v6n, false);
    if (v6Text != null) {
      Optional<long[]> a = Ip.parse6(v6Text);
      if (a.isEmpty()) {
        error(v6n, "'" + v6Text + "' is not an IPv6 address");
        ok = false;
      } else if (vpc.ipv6Cidr() == null) {
        error(v6n, vpc.id() + " has no IPv6 CIDR (ipv6Cidr), so its instances have no IPv6");
        ok = false;
      } else if (!vpc.ipv6Cidr().contains(a.get()[0], a.get()[1])) {
        error(v6n, v6Text + " is outside " + vpc.id() + "'s IPv6 CIDR " + vpc.ipv6Cidr().display());
        ok = false;
      } else {
        ipv6 = Ip.format6(a.get()[0], a.get()[1]);
      }
    }
    List<String> groups = new ArrayList<>();
    Node gn = n.field("groups");
    if (gn.present()) {
      // Names are case-insensitive: each is kept as the group declares it.
      Map<String, String> known = new LinkedHashMap<>();
      known.put(Ec2Constraints.DEFAULT_GROUP, Ec2Constraints.DEFAULT_GROUP);
      vpc.groups().forEach(g -> known.put(Ec2Constraints.nameKey(g.name()), g.name()));
      List<Node> items = list(gn);
      if (gn.json().isArray() && items.isEmpty()) {
        error(
            gn,
            "an interface carries at least one group; leave 'groups' out for the VPC's default");
        ok = false;
      }
      if (items.size() > Quotas.MAX_GROUPS_PER_INTERFACE) {
        error(
            gn,
            items.size()
                + " groups; EC2 allows at most "
                + Quotas.MAX_GROUPS_PER_INTERFACE
                + " per interface");
        ok = false;
      }
      for (Node item : items) {
        String name = string(item, true);
        if (name == null) {
          ok = false;
        } else if (!known.containsKey(Ec2Constraints.nameKey(name))) {
          error(
              item,
              "no group '" + name + "' in " + vpc.id() + "; its groups are " + known.values());
          ok = false;
        } else if (groups.contains(known.get(Ec2Constraints.nameKey(name)))) {
          error(item, "group '" + name + "' is listed twice");
          ok = false;
        } else {
          groups.add(known.get(Ec2Constraints.nameKey(name)));
        }
      }
    }
    return ok ? new World.Interface(id, privateIp, publicIp, ipv6, groups) : null;
  }

  private Listener listener(Node n) {
    JsonNode j = n.json();
    String hint = "write tcp/22, udp/53, or a TCP port such as 22";
    if (j != null && j.isIntegralNumber()) {
      return port(n, j.asInt(), "tcp") ? new Listener(Protocol.TCP, j.asInt()) : null;
    }
    if (j == null || !j.isTextual()) {
      error(n, "a listener is a string or a port number, not " + kind(n) + "; " + hint);
      return null;
    }
    String text = j.asText().trim();
    String protoText = "tcp";
    String portText = text;
    int slash = text.indexOf('/');
    if (slash >= 0) {
      protoText = text.substring(0, slash);
      portText = text.substring(slash + 1);
    }
    Optional<Protocol> p = Protocol.parse(protoText);
    if (p.isEmpty() || !p.get().hasPorts()) {
      error(n, "'" + text + "' is not a listener: the protocol must be tcp or udp; " + hint);
      return null;
    }
    if (portText.isEmpty()
        || portText.length() > 5
        || !portText.chars().allMatch(Character::isDigit)) {
      error(n, "'" + text + "' is not a listener: '" + portText + "' is not a port; " + hint);
      return null;
    }
    int port = Integer.parseInt(portText);
    return port(n, port, p.get().name()) ? new Listener(p.get(), port) : null;
  }

  private boolean port(Node n, int port, String protocol) {
    if (port < 1 || port > 65535) {
      error(n, protocol + " port " + port + " is outside 1-65535");
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- traffic

  private World.TrafficFlow trafficFlow(
      Node n, Map<String, World.Region> regions, List<World.TrafficFlow> earlier) {
    if (!mapping(
        n, "traffic flow", "name", "region", "from", "to", "protocol", "port", "ratePerSecond")) {
      return null;
    }
    boolean ok = true;
    String name = string(n.field("name"), true);
    if (name != null && earlier.stream().anyMatch(f -> f.name().equals(name))) {
      error(n.field("name"), "a traffic flow named '" + name + "' is already declared");
      ok = false;
    }
    String region = string(n.field("region"), true);
    if (region != null && !regions.containsKey(region)) {
      error(
          n.field("region"), "unknown region '" + region + "'; the world has " + regions.keySet());
      ok = false;
    }
    Source from = trafficSource(n.field("from"));
    String to = string(n.field("to"), true);
    if (to != null) {
      String where = instanceRegions.get(to);
      if (where == null) {
        error(n.field("to"), "unknown instance '" + to + "'");
        ok = false;
      } else if (region != null && !where.equals(region)) {
        error(n.field("to"), "instance " + to + " is in region " + where + ", not " + region);
        ok = false;
      }
    }
    Protocol protocol = protocol(n.field("protocol"), false);
    Integer port = null;
    if (protocol != null) {
      Node pn = n.field("port");
      if (protocol.hasPorts()) {
        port = integer(pn, true);
        if (port != null && !port(pn, port, protocol.name())) {
          port = null;
        }
      } else if (protocol.isIcmp()) {
        port = pn.present() ? integer(pn, true) : Integer.valueOf(8);
        if (port != null && (port < 0 || port > 255)) {
          error(pn, protocol.name() + " type " + port + " is outside 0-255");
          port = null;
        }
      } else {
        if (pn.present()) {
          error(pn, "protocol " + protocol.name() + " has no ports");
        }
        port = pn.present() ? null : Integer.valueOf(0);
      }
    }
    Node rn = n.field("ratePerSecond");
    Double rate = null;
    if (!rn.present()) {
      error(rn, "missing required field 'ratePerSecond'");
    } else if (!rn.json().isNumber() || !(rn.json().asDouble() > 0)) {
      error(rn, "must be a positive number of connections per second, not " + rn.json());
    } else {
      rate = rn.json().asDouble();
    }
    if (!ok
        || name == null
        || region == null
        || from == null
        || to == null
        || protocol == null
        || port == null
        || rate == null) {
      return null;
    }
    return new World.TrafficFlow(name, region, from, to, protocol, port, rate);
  }

  private Source trafficSource(Node n) {
    if (!n.present()) {
      error(n, "missing required field 'from' (either ip or instanceId)");
      return null;
    }
    if (!mapping(n, "traffic source", "ip", "instanceId")) {
      return null;
    }
    boolean hasIp = n.field("ip").present();
    boolean hasInstance = n.field("instanceId").present();
    if (hasIp == hasInstance) {
      error(n, "a traffic source has exactly one of ip and instanceId");
      return null;
    }
    if (hasIp) {
      String ip = string(n.field("ip"), true);
      if (ip == null) {
        return null;
      }
      Optional<Integer> v4 = Ip.parse4(ip);
      if (v4.isPresent()) {
        return new Source.Address4(v4.get());
      }
      Optional<long[]> v6 = Ip.parse6(ip);
      if (v6.isPresent()) {
        return new Source.Address6(v6.get()[0], v6.get()[1]);
      }
      error(n.field("ip"), "'" + ip + "' is not an IPv4 or IPv6 address");
      return null;
    }
    String id = string(n.field("instanceId"), true);
    if (id != null && !instanceRegions.containsKey(id)) {
      error(n.field("instanceId"), "unknown instance '" + id + "'");
      return null;
    }
    return id == null ? null : new Source.Instance(id);
  }

  // ---------------------------------------------------------------- scalar helpers

  private Protocol protocol(Node n, boolean allowAll) {
    if (!n.present()) {
      return Protocol.TCP;
    }
    JsonNode j = n.json();
    if (!j.isTextual() && !j.isIntegralNumber()) {
      error(n, "a protocol is a name (tcp, udp, icmp, icmpv6, all) or a number, not " + kind(n));
      return null;
    }
    Optional<Protocol> p = Protocol.parse(j.asText());
    if (p.isEmpty()) {
      error(
          n, "'" + j.asText() + "' is not a protocol: write tcp, udp, icmp, icmpv6, all or 0-255");
      return null;
    }
    if (!allowAll && p.get().number() == -1) {
      error(n, "a flow has one concrete protocol, not 'all'");
      return null;
    }
    return p.get();
  }

  /**
   * A VPC's address block. Unlike a rule's CIDR, which the engine masks with a warning, a block
   * with host bits set is refused: a VPC is declared by its network address.
   */
  private Peer vpcBlock(Node n, String text) {
    Ip.CidrParse p = Ip.parseCidr(text);
    if (!p.ok()) {
      error(n, p.error());
      return null;
    }
    if (p.hostBitsMasked()) {
      error(n, text + " has host bits set; write " + p.cidr().display());
      return null;
    }
    return p.cidr();
  }

  private String id(Node n, Predicate<String> wellFormed, String prefix) {
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

  private boolean firstDeclaration(Map<String, String> seen, String id, Node n, String what) {
    String first = seen.putIfAbsent(id, place(n));
    if (first != null) {
      error(n, "duplicate " + what + " id " + id + ", first declared at " + first);
      return false;
    }
    return true;
  }

  private String string(Node n, boolean required) {
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

  private Integer integer(Node n, boolean required) {
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

  private Map<String, String> tags(Node n) {
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

  private List<Node> list(Node n) {
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
  private boolean mapping(Node n, String what, String... allowed) {
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

  private static String kind(Node n) {
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

  private void error(Node n, String message) {
    problems.add(Problem.error(n.path().isEmpty() ? "(document)" : n.path(), message));
  }
}
