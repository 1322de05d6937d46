package dev.portcullis.sync;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Finds, creates or adopts the one EC2 group that belongs to a custom resource, by its ownership
 * tags. Looking up before creating, through an inventory read before any create, is what makes
 * creation safe to repeat after a crash; a group whose tags name another resource, or none, is
 * never taken unless adopted, and an adopted group already owned by another resource is refused.
 */
public final class GroupKeeper {
  private final CloudPort cloud;
  private final Retry retry;
  private final GroupInventory inventory;
  private final CreationQueue creations;

  /** A keeper that creates groups whenever asked. */
  public GroupKeeper(CloudPort cloud, Retry retry, GroupInventory inventory) {
    this(cloud, retry, inventory, CreationQueue.unbounded());
  }

  /**
   * A keeper whose creates take their turn in {@code creations}, keyed by {@link
   * #creationKey(String, String) namespace/name}.
   */
  public GroupKeeper(
      CloudPort cloud, Retry retry, GroupInventory inventory, CreationQueue creations) {
    this.cloud = cloud;
    this.retry = retry;
    this.inventory = inventory;
    this.creations = creations;
  }

  /** The key of a resource's group in the creation queue. */
  public static String creationKey(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** What became of the resource's group. */
  public sealed interface Outcome {}

  /** How the group came to be the resource's. */
  public enum How {
    FOUND,
    CREATED,
    /** Created again: the group the status named is gone from EC2. */
    RECREATED,
    ADOPTED
  }

  /** The resource has this group. */
  public record Kept(SecurityGroupInfo group, How how) implements Outcome {}

  /** EC2 (or ownership) rules it out; nothing was changed. {@code reason} is a condition reason. */
  public record Refused(String reason, String message) implements Outcome {}

  /** The group the status named is gone from EC2, and was not recreated as asked. */
  public record Gone(String groupId) implements Outcome {}

  /**
   * The group has to be created and its turn has not come: nothing was changed, and the resource is
   * woken when its turn comes ({@link CreationQueue}).
   *
   * @param waited how long it has waited for its turn so far
   */
  public record Queued(Duration waited) implements Outcome {}

  /** What a group is created with. */
  public record Wanted(
      String vpcId, String name, String description, Map<String, String> userTags) {}

  /**
   * The resource's group: the one {@code knownId} names if it is still there and ours, else the one
   * tagged with the owner's uid, else a new one (or, when {@code recreate} is false and {@code
   * knownId} is gone, {@link Gone}).
   */
  public Outcome ensure(
      String region, OwnerTags owner, String knownId, Wanted wanted, boolean recreate) {
    return ensure(region, owner, knownId, wanted, recreate, false);
  }

  /**
   * As {@link #ensure(String, OwnerTags, String, Wanted, boolean)}; a group that has to be created
   * waits for its turn ({@link Queued}), ahead of others when {@code awaited}: another group that
   * exists already names it in its rules.
   */
  public Outcome ensure(
      String region,
      OwnerTags owner,
      String knownId,
      Wanted wanted,
      boolean recreate,
      boolean awaited) {
    Optional<SecurityGroupInfo> found = find(region, owner, knownId);
    if (found.isPresent()) {
      return new Kept(found.get(), How.FOUND);
    }
    if (knownId != null && !recreate) {
      return new Gone(knownId);
    }
    String key = creationKey(owner.namespace(), owner.name());
    if (!creations.tryStart(key, awaited)) {
      return new Queued(Duration.ofNanos(creations.waitedNanos(key)));
    }
    Map<String, String> tags = new LinkedHashMap<>(wanted.userTags());
    tags.putAll(owner.asTags());
    SecurityGroupInfo made;
    try {
      made =
          retry.call(
              () ->
                  cloud.createSecurityGroup(
                      region, wanted.vpcId(), wanted.name(), wanted.description(), tags));
    } catch (CloudException e) {
      // A create whose answer was lost (a timeout, then a retry) made the group all the same: the
      // retry finds its name taken. The group carries our tags from its creation, so ask EC2 for
      // it rather than report a conflict with ourselves.
      if (!DUPLICATE.equals(e.code())) {
        throw e;
      }
      Optional<SecurityGroupInfo> ours = ownGroupNamed(region, owner, wanted);
      if (ours.isEmpty()) {
        return nameTaken(region, wanted, e);
      }
      made = ours.get();
    } finally {
      creations.finish(key);
    }
    inventory.put(region, made);
    return new Kept(made, knownId == null ? How.CREATED : How.RECREATED);
  }

  private static final String DUPLICATE = "InvalidGroup.Duplicate";

  /**
   * The name is taken in the VPC by a group that is not the owner's: named, with the two ways out.
   * Nothing is retried until the spec changes or the next resync: a retry would meet the same
   * group.
   */
  private Refused nameTaken(String region, Wanted wanted, CloudException refusal) {
    Optional<SecurityGroupInfo> holder =
        retry
            .call(
                () ->
                    cloud.describeAllSecurityGroups(
                        region,
                        new GroupFilter(null, List.of(wanted.name()), wanted.vpcId(), null)))
            .stream()
            .findFirst();
    if (holder.isEmpty()) { // gone since: the next attempt will tell
      throw refusal;
    }
    SecurityGroupInfo g = holder.get();
    String managedBy =
        g.tags().get(OwnerTags.UID) == null
            ? "which Portcullis does not manage"
            : "which SecurityGroup "
                + g.tags().get(OwnerTags.NAMESPACE)
                + "/"
                + g.tags().get(OwnerTags.NAME)
                + " manages";
    return new Refused(
        NAME_TAKEN,
        "EC2 already has a group named \""
            + wanted.name()
            + "\" in "
            + wanted.vpcId()
            + ": "
            + g.groupId()
            + ", "
            + managedBy
            + ". Either choose another spec.groupName, or "
            + (g.tags().get(OwnerTags.UID) == null
                ? "manage that group with spec.adoptGroupId: "
                    + g.groupId()
                    + " (without groupName)"
                : "leave the name to "
                    + g.tags().get(OwnerTags.NAMESPACE)
                    + "/"
                    + g.tags().get(OwnerTags.NAME))
            + "; nothing was created");
  }

  /** The reason of a refusal to create a group whose name another group has in the VPC. */
  public static final String NAME_TAKEN = "GroupNameTaken";

  /** The owner's group of that name in that VPC, read from EC2 now (by its uid tag). */
  private Optional<SecurityGroupInfo> ownGroupNamed(String region, OwnerTags owner, Wanted wanted) {
    return retry
        .call(() -> cloud.describeAllSecurityGroups(region, GroupFilter.tags(owner.lookupFilter())))
        .stream()
        .filter(g -> g.groupName().equals(wanted.name()) && g.vpcId().equals(wanted.vpcId()))
        .findFirst();
  }

  /**
   * The group the resource owns, if EC2 has it: the one {@code knownId} names when it carries the
   * owner's tags, else the one tagged with the owner's uid (the id may be of a group that is gone,
   * or not ours when a status was edited by hand).
   */
  public Optional<SecurityGroupInfo> find(String region, OwnerTags owner, String knownId) {
    Optional<SecurityGroupInfo> found =
        knownId == null ? Optional.empty() : inventory.byId(region, knownId);
    if (found.isPresent() && owner.owns(found.get().tags())) {
      return found;
    }
    return inventory.ownedBy(region, owner.uid());
  }

  /**
   * The EC2 groups of the SecurityGroups a resource's rules name, by name, and the names it waits
   * for (with why).
   */
  public record References(Map<String, String> ids, List<String> waiting) {
    public References {
      ids = Collections.unmodifiableMap(new TreeMap<>(ids));
      waiting = List.copyOf(waiting);
    }
  }

  /**
   * Finds the EC2 groups of the SecurityGroups {@code names}; a group not created yet is moved
   * ahead in the creation queue, as a group waits for it.
   *
   * @param uids the uid of each name that is a SecurityGroup of the namespace
   */
  public References references(
      String region, String namespace, Collection<String> names, Map<String, String> uids) {
    Map<String, String> ids = new TreeMap<>();
    List<String> waiting = new ArrayList<>();
    for (String name : names) {
      String uid = uids.get(name);
      Optional<SecurityGroupInfo> theirs =
          uid == null ? Optional.empty() : inventory.ownedBy(region, uid);
      if (uid == null) {
        waiting.add(name + " (no such SecurityGroup in namespace " + namespace + ")");
      } else if (theirs.isEmpty()) {
        waiting.add(name + " (its EC2 group does not exist yet)");
        creations.await(creationKey(namespace, name));
      } else {
        ids.put(name, theirs.get().groupId());
      }
    }
    return new References(ids, waiting);
  }

  /**
   * Lets a group go without deleting it ({@code deletionPolicy: Retain}): its ownership tags come
   * off, so that no operator manages it any more, and it leaves the inventory.
   */
  public void release(String region, SecurityGroupInfo group) {
    Map<String, String> ours = new LinkedHashMap<>();
    OwnerTags.keys().forEach(k -> ours.put(k, null));
    retry.run(() -> cloud.deleteTags(region, group.groupId(), ours));
    inventory.remove(region, group.groupId());
  }

  /** Takes over an existing group: it gets the owner's tags, unless another resource owns it. */
  public Outcome adopt(String region, OwnerTags owner, String groupId, String vpcId) {
    Optional<SecurityGroupInfo> adopted = inventory.byId(region, groupId);
    if (adopted.isEmpty()) {
      return new Refused(
          "AdoptedGroupNotFound",
          "adoptGroupId " + groupId + " does not exist in " + region + "; nothing was changed");
    }
    SecurityGroupInfo g = adopted.get();
    String holder = g.tags().get(OwnerTags.UID);
    if (holder != null && !holder.equals(owner.uid())) {
      return new Refused(
          "AlreadyManaged",
          g.groupId()
              + " is already managed by "
              + g.tags().get(OwnerTags.NAMESPACE)
              + "/"
              + g.tags().get(OwnerTags.NAME)
              + "; a group has one owner");
    }
    if (vpcId != null && !vpcId.equals(g.vpcId())) {
      return new Refused(
          "VpcMismatch",
          "adoptGroupId " + g.groupId() + " is in " + g.vpcId() + ", not in vpcId " + vpcId);
    }
    if (holder != null) {
      return new Kept(g, How.FOUND);
    }
    retry.run(() -> cloud.createTags(region, g.groupId(), owner.asTags()));
    Map<String, String> tags = new LinkedHashMap<>(g.tags());
    tags.putAll(owner.asTags());
    SecurityGroupInfo tagged =
        new SecurityGroupInfo(
            g.groupId(), g.groupName(), g.description(), g.vpcId(), tags, g.rules());
    inventory.put(region, tagged);
    return new Kept(tagged, How.ADOPTED);
  }
}
