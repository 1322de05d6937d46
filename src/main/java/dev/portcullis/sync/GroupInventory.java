package dev.portcullis.sync;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What EC2 holds of the groups Portcullis manages, per region, read with one paginated describe
 * (filtered by the managed-by tag, 1,000 groups a page) instead of one describe per group.
 *
 * <p>A region is read the first time it is needed, which is what makes creation safe after a crash:
 * a restarted operator sees every group it tagged before it creates any. It is read again when its
 * snapshot is older than {@code maxAge}, so changes made outside the operator show up within that
 * time. Between reads, the operator's own writes are recorded with {@link #put}; a read that
 * started before such a write keeps the written state, so a snapshot can never undo what the
 * operator itself just did.
 */
public final class GroupInventory {
  /** EC2's largest page for DescribeSecurityGroups. */
  public static final int PAGE_SIZE = 1000;

  private final CloudPort cloud;
  private final Retry retry;
  private final long maxAgeNanos;
  private final LongSupplier nanoTime;
  private final Map<String, RegionSnapshot> regions = new ConcurrentHashMap<>();
  private final AtomicLong describeCalls = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();

  public GroupInventory(CloudPort cloud, Retry retry, Duration maxAge, LongSupplier nanoTime) {
    this.cloud = cloud;
    this.retry = retry;
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoTime = nanoTime;
  }

  public GroupInventory(CloudPort cloud, Retry retry, Duration maxAge) {
    this(cloud, retry, maxAge, System::nanoTime);
  }

  /**
   * An inventory that reads each region once and keeps it: for a caller that is the only writer
   * while it runs, and records what it writes with {@link #put}.
   */
  public static GroupInventory readOnce(CloudPort cloud, Retry retry) {
    return new GroupInventory(cloud, retry, Duration.ofNanos(Long.MAX_VALUE));
  }

  /** Describe calls this inventory has made, paginated reads and single look-ups together. */
  public long describeCalls() {
    return describeCalls.get();
  }

  /** Full reads of a region's managed groups (each one or more describe calls, one per page). */
  public long reads() {
    return reads.get();
  }

  /** The managed group tagged with this custom resource's uid, if EC2 has one. */
  public Optional<SecurityGroupInfo> ownedBy(String region, String uid) {
    RegionSnapshot r = fresh(region);
    synchronized (r) {
      String id = r.idByUid.get(uid);
      return id == null ? Optional.empty() : Optional.ofNullable(r.byId.get(id));
    }
  }

  /**
   * A group by id: from the snapshot when it holds it (managed groups), otherwise described on its
   * own and remembered (an adopted group before it is tagged, a group just created that the last
   * read did not see). Empty when EC2 does not know the id.
   */
  public Optional<SecurityGroupInfo> byId(String region, String groupId) {
    RegionSnapshot r = fresh(region);
    synchronized (r) {
      SecurityGroupInfo known = r.byId.get(groupId);
      if (known != null) {
        return Optional.of(known);
      }
    }
    try {
      describeCalls.incrementAndGet();
      List<SecurityGroupInfo> found =
          retry
              .call(
                  () -> cloud.describeSecurityGroups(region, GroupFilter.ids(groupId), null, null))
              .items();
      if (found.isEmpty()) {
        return Optional.empty();
      }
      put(region, found.get(0));
      return Optional.of(found.get(0));
    } catch (CloudException e) {
      if (e.kind() == CloudException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Records the state of a group after the operator changed it (or found it). */
  public void put(String region, SecurityGroupInfo group) {
    RegionSnapshot r = regions.computeIfAbsent(region, k -> new RegionSnapshot());
    synchronized (r) {
      r.store(group);
      r.writtenAt.put(group.groupId(), nanoTime.getAsLong());
    }
  }

  /** Forgets a group the operator deleted (or found gone). */
  public void remove(String region, String groupId) {
    RegionSnapshot r = regions.get(region);
    if (r == null) {
      return;
    }
    synchronized (r) {
      r.drop(groupId);
      r.writtenAt.put(groupId, nanoTime.getAsLong());
    }
  }

  /**
   * Reads the region's managed groups from EC2 now, whatever the age of its snapshot (one paginated
   * describe, as any read), and returns them as the snapshot then holds them: with the operator's
   * own writes made while the read was under way. Look-ups that follow use this read.
   */
  public List<SecurityGroupInfo> refresh(String region) {
    RegionSnapshot r = regions.computeIfAbsent(region, k -> new RegionSnapshot());
    synchronized (r.loadLock) {
      load(region, r, nanoTime.getAsLong());
    }
    synchronized (r) {
      return List.copyOf(r.byId.values());
    }
  }

  /** Makes the next look-up in the region read EC2 again. */
  public void expire(String region) {
    RegionSnapshot r = regions.get(region);
    if (r != null) {
      synchronized (r) {
        r.loaded = false;
      }
    }
  }

  private RegionSnapshot fresh(String region) {
    RegionSnapshot r = regions.computeIfAbsent(region, k -> new RegionSnapshot());
    // One reader per region at a time; the others wait for its result rather than describe too.
    synchronized (r.loadLock) {
      long now = nanoTime.getAsLong();
      boolean stale;
      synchronized (r) {
        stale = !r.loaded || now - r.loadedAt > maxAgeNanos;
      }
      if (stale) {
        load(region, r, now);
      }
    }
    return r;
  }

  private void load(String region, RegionSnapshot r, long started) {
    reads.incrementAndGet();
    // the snapshot keeps no rule ids (compact), so none are read: on AWS that saves about 25
    // DescribeSecurityGroupRules per 1,000 groups
    GroupFilter managed =
        GroupFilter.tags(Map.of(OwnerTags.MANAGED_BY, OwnerTags.MANAGED_BY_VALUE)).withoutRuleIds();
    Map<String, SecurityGroupInfo> read = new HashMap<>();
    String token = null;
    do {
      String t = token;
      describeCalls.incrementAndGet();
      Page<SecurityGroupInfo> page =
          retry.call(() -> cloud.describeSecurityGroups(region, managed, t, PAGE_SIZE));
      page.items().forEach(g -> read.put(g.groupId(), g));
      token = page.nextToken();
    } while (token != null);
    synchronized (r) {
      // Keep what the operator wrote after this read began: the read may predate it.
      Map<String, SecurityGroupInfo> keep = new HashMap<>();
      r.writtenAt.forEach(
          (id, at) -> {
            if (at - started >= 0 && r.byId.containsKey(id)) {
              keep.put(id, r.byId.get(id));
            }
          });
      List<String> removedSince =
          r.writtenAt.entrySet().stream()
              .filter(e -> e.getValue() - started >= 0 && !r.byId.containsKey(e.getKey()))
              .map(Map.Entry::getKey)
              .toList();
      r.byId.clear();
      r.idByUid.clear();
      r.rules = new Canon<>();
      read.values().forEach(r::store);
      keep.values().forEach(r::store);
      removedSince.forEach(r::drop);
      r.writtenAt.clear();
      r.loaded = true;
      r.loadedAt = started;
    }
  }

  /**
   * The group as the snapshot keeps it: without rule ids, which the operator never reads, and with
   * the strings that repeat from group to group (VPC, tag keys and common values, rule
   * descriptions, referenced group ids) shared; the group's id and name are shared with the
   * SecurityGroup's status as the operator's caches hold it, and the owner's uid and name tags with
   * its metadata there. A snapshot holds every managed group of a region.
   */
  static SecurityGroupInfo compact(SecurityGroupInfo g) {
    return compact(g, new Canon<>());
  }

  /**
   * As {@link #compact(SecurityGroupInfo)}, and each rule shared through {@code rules} with every
   * other group of the snapshot that has the same one (most groups share a good part of their
   * rules: the VPC's range, the offices, the default egress rule).
   */
  static SecurityGroupInfo compact(SecurityGroupInfo g, Canon<ObservedRule> shared) {
    Map<String, String> tags = new HashMap<>();
    g.tags().forEach((k, v) -> tags.put(k.intern(), v.intern()));
    List<ObservedRule> rules = new ArrayList<>(g.rules().size());
    for (ObservedRule o : g.rules()) {
      Rule r = o.rule();
      Peer peer = r.peer() instanceof GroupPeer p ? new GroupPeer(p.groupId().intern()) : r.peer();
      ObservedRule c =
          new ObservedRule(null, r.withPeer(peer).withDescription(r.description().intern()));
      rules.add(shared.intern(c));
    }
    return new SecurityGroupInfo(
        g.groupId().intern(),
        g.groupName() == null ? null : g.groupName().intern(),
        g.description() == null ? null : g.description().intern(),
        g.vpcId() == null ? null : g.vpcId().intern(),
        tags,
        rules);
  }

  private static final class RegionSnapshot {
    final Object loadLock = new Object();
    final Map<String, SecurityGroupInfo> byId = new HashMap<>();
    final Map<String, String> idByUid = new HashMap<>();
    final Map<String, Long> writtenAt = new HashMap<>();

    /** Whether the region has been read (again, after {@link GroupInventory#expire}). */
    boolean loaded;

    /** When the last read began, on the inventory's clock; meaningful only once {@code loaded}. */
    long loadedAt;

    /** One copy of each rule the snapshot's groups hold; made anew on every full read. */
    Canon<ObservedRule> rules = new Canon<>();

    void store(SecurityGroupInfo given) {
      SecurityGroupInfo g = compact(given, rules);
      drop(g.groupId());
      byId.put(g.groupId(), g);
      String uid = g.tags().get(OwnerTags.UID);
      if (uid != null) {
        idByUid.put(uid, g.groupId());
      }
    }

    void drop(String groupId) {
      SecurityGroupInfo old = byId.remove(groupId);
      if (old != null) {
        String uid = old.tags().get(OwnerTags.UID);
        if (uid != null && groupId.equals(idByUid.get(uid))) {
          idByUid.remove(uid);
        }
      }
    }
  }
}
