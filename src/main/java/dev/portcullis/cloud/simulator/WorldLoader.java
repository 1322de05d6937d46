package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.WorldDocument.kind;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.cloud.simulator.WorldDocument.Node;
import dev.portcullis.engine.Canonicalizer;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.RuleCounts.PrefixListSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 *
 * <p>The loader reads the document and its regions, prefix lists and VPCs; a VPC's groups are read
 * by {@link WorldGroupReader}, a region's instances by {@link WorldInstanceReader} and the traffic
 * by {@link WorldTrafficReader}. They share the {@link WorldDocument} (places, problems, the checks
 * of shapes and scalars) and the {@link WorldIds} declared so far.
 */
public final class WorldLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final WorldDocument doc;
  private final WorldIds ids = new WorldIds();
  private final WorldGroupReader groupReader;
  private final WorldInstanceReader instanceReader;
  private final WorldTrafficReader trafficReader;

  private WorldLoader(String source, boolean severalFiles, Quotas quotas) {
    this.doc = new WorldDocument(source, severalFiles);
    this.groupReader = new WorldGroupReader(doc, Objects.requireNonNull(quotas, "quotas"));
    this.instanceReader = new WorldInstanceReader(doc, ids);
    this.trafficReader = new WorldTrafficReader(doc, ids);
  }

  /** Reads and checks a world file against EC2's default quotas. */
  public static World load(Path file) {
    return load(file, Quotas.DEFAULT);
  }

  /** A world file's text, or why it cannot be read (the file named once). */
  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("cannot read world file " + file + ": no such file", e);
    } catch (IOException e) {
      String why = e.getMessage();
      // the JDK's messages often are the path alone: say the kind of failure instead
      if (why == null || why.equals(file.toString())) {
        why = e.getClass().getSimpleName();
      }
      throw new UncheckedIOException("cannot read world file " + file + ": " + why, e);
    }
  }

  /** Reads and checks a world file against the account's quotas (the simulator's). */
  public static World load(Path file, Quotas quotas) {
    return parse(read(file), file.toString(), quotas);
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
    WorldLoader loader = new WorldLoader(null, true, quotas);
    Map<String, World.Region> regions = new LinkedHashMap<>();
    List<World.TrafficFlow> traffic = new ArrayList<>();
    for (Path file : files) {
      String text = read(file);
      loader.doc.startFile(file.toString());
      loader.readInto(loader.tree(text), regions, traffic);
      if (!loader.doc.problems.isEmpty()) {
        throw new WorldFileException(loader.doc.source(), loader.doc.problems);
      }
    }
    return new World(regions, traffic, loader.doc.warnings);
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
    return new WorldLoader(source, false, quotas).read(yaml);
  }

  private World read(String text) {
    Map<String, World.Region> regions = new LinkedHashMap<>();
    List<World.TrafficFlow> traffic = new ArrayList<>();
    readInto(tree(text), regions, traffic);
    if (!doc.problems.isEmpty()) {
      throw new WorldFileException(doc.source(), doc.problems);
    }
    return new World(regions, traffic, doc.warnings);
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
          doc.source(), List.of(Problem.error(where, "malformed YAML: " + e.getOriginalMessage())));
    }
    if (!new Node(root, "").present()) {
      throw new WorldFileException(
          doc.source(),
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
    Node top = new Node(root, "");
    if (!doc.mapping(top, "world", "regions", "traffic")) {
      return;
    }
    regions(top.field("regions")).forEach((name, r) -> regions.merge(name, r, WorldLoader::joined));
    for (Node n : doc.list(top.field("traffic"))) {
      World.TrafficFlow f = trafficReader.trafficFlow(n, regions, traffic);
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

  // ---------------------------------------------------------------- regions and VPCs

  private Map<String, World.Region> regions(Node n) {
    Map<String, World.Region> out = new LinkedHashMap<>();
    if (!n.present()) {
      doc.error(n, "missing required field 'regions' (a mapping from region name to its VPCs)");
      return out;
    }
    if (!n.json().isObject()) {
      doc.error(
          n,
          "must be a mapping from region name (such as eu-west-1) to the region, not " + kind(n));
      return out;
    }
    for (Iterator<String> it = n.json().fieldNames(); it.hasNext(); ) {
      String name = it.next();
      Node rn = n.field(name);
      if (!Ec2Constraints.REGION.matcher(name).matches()) {
        doc.error(rn, "'" + name + "' is not a region name such as eu-west-1");
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
    if (!doc.mapping(n, "region", "vpcs", "prefixLists", "instances")) {
      return null;
    }
    Map<String, World.PrefixList> prefixLists = new LinkedHashMap<>();
    for (Node pn : doc.list(n.field("prefixLists"))) {
      World.PrefixList pl = prefixList(name, pn, prefixLists);
      if (pl != null) {
        prefixLists.put(pl.id(), pl);
      }
    }
    Map<String, World.Vpc> vpcs = new LinkedHashMap<>();
    for (Node vn : doc.list(n.field("vpcs"))) {
      World.Vpc v = vpc(name, vn, prefixLists);
      if (v != null) {
        vpcs.put(v.id(), v);
      }
    }
    List<World.Instance> instances = new ArrayList<>();
    for (Node in : doc.list(n.field("instances"))) {
      World.Instance i = instanceReader.instance(name, in, vpcs);
      if (i != null) {
        instances.add(i);
      }
    }
    return new World.Region(
        name, List.copyOf(vpcs.values()), List.copyOf(prefixLists.values()), instances);
  }

  private World.PrefixList prefixList(String region, Node n, Map<String, World.PrefixList> seen) {
    if (!doc.mapping(n, "prefix list", "id", "maxEntries", "family")) {
      return null;
    }
    String id = doc.id(n.field("id"), Ec2Constraints::isPrefixListId, "pl-");
    Integer max = doc.integer(n.field("maxEntries"), true);
    String familyText = doc.string(n.field("family"), false);
    PrefixListSize.Family family = PrefixListSize.Family.IPV4;
    if (familyText != null) {
      if (familyText.equals("ipv4")) {
        family = PrefixListSize.Family.IPV4;
      } else if (familyText.equals("ipv6")) {
        family = PrefixListSize.Family.IPV6;
      } else {
        doc.error(n.field("family"), "'" + familyText + "' is not a family: write ipv4 or ipv6");
        return null;
      }
    }
    if (max != null && max < 1) {
      doc.error(n.field("maxEntries"), "must be at least 1, not " + max);
      return null;
    }
    if (id == null || max == null) {
      return null;
    }
    if (seen.containsKey(id)) {
      doc.error(n.field("id"), "prefix list " + id + " is declared twice in this region");
      return null;
    }
    String first = ids.prefixListPaths.putIfAbsent(region + "/" + id, doc.place(n.field("id")));
    if (first != null) {
      doc.error(n.field("id"), "duplicate prefix list id " + id + ", first declared at " + first);
      return null;
    }
    return new World.PrefixList(id, max, family);
  }

  private World.Vpc vpc(String region, Node n, Map<String, World.PrefixList> prefixLists) {
    if (!doc.mapping(n, "VPC", "id", "cidr", "ipv6Cidr", "groups")) {
      return null;
    }
    String id = doc.id(n.field("id"), Ec2Constraints.VPC_ID.asMatchPredicate(), "vpc-");
    if (id != null && !doc.firstDeclaration(ids.vpcPaths, id, n.field("id"), "VPC")) {
      ids.brokenVpcs.add(id); // what refers to it is not reported again
      id = null;
    }
    Cidr4 cidr = null;
    Node cn = n.field("cidr");
    String cidrText = doc.string(cn, true);
    if (cidrText != null) {
      Peer p = vpcBlock(cn, cidrText);
      if (p instanceof Cidr4 c) {
        if (c.prefixLength() < 16 || c.prefixLength() > 28) {
          doc.error(cn, cidrText + ": EC2 VPC blocks are between /16 and /28");
        } else {
          cidr = c;
        }
      } else if (p != null) {
        doc.error(cn, cidrText + " is IPv6; put a VPC's IPv6 block in 'ipv6Cidr'");
      }
    }
    Cidr6 ipv6 = null;
    Node v6n = n.field("ipv6Cidr");
    String v6Text = doc.string(v6n, false);
    if (v6Text != null) {
      Peer p = vpcBlock(v6n, v6Text);
      if (p instanceof Cidr6 c) {
        ipv6 = c;
      } else if (p != null) {
        doc.error(v6n, v6Text + " is not an IPv6 CIDR");
      }
    }
    List<World.GroupSpec> groups = groupReader.groups(n.field("groups"), id, prefixLists);
    if (id == null || cidr == null) {
      if (id != null) {
        ids.brokenVpcs.add(id);
      }
      return null;
    }
    ids.vpcRegions.put(id, region);
    ids.vpcSources.put(id, doc.source());
    return new World.Vpc(id, cidr, ipv6, groups);
  }

  /**
   * A VPC's address block. Unlike a rule's CIDR, which the engine masks with a warning, a block
   * with host bits set is refused: a VPC is declared by its network address.
   */
  private Peer vpcBlock(Node n, String text) {
    Ip.CidrParse p = Ip.parseCidr(text);
    if (!p.ok()) {
      doc.error(n, p.error());
      return null;
    }
    if (p.hostBitsMasked()) {
      doc.error(n, text + " has host bits set; write " + p.cidr().display());
      return null;
    }
    return p.cidr();
  }
}
