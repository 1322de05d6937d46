package dev.portcullis.sync;

import dev.portcullis.api.v1alpha1.AttachedInstance;
import dev.portcullis.api.v1alpha1.InstanceTargets;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Quotas;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps of a SecurityGroupAttachment against the cloud port, shared by the operator and the
 * offline command: select the instances, put the wanted groups on their primary interfaces (taking
 * the VPC's default group off unless it is kept) and take them off again.
 *
 * <p>EC2's refusals that a retry cannot change come back as refusals that name the instance, so
 * that the other instances are still attached; retryable errors are thrown for the caller's
 * backoff.
 */
public final class AttachmentSync {
  private final CloudPort cloud;
  private final Retry retry;
  private final Quotas quotas;

  public AttachmentSync(CloudPort cloud, Retry retry, Quotas quotas) {
    this.cloud = cloud;
    this.retry = retry;
    this.quotas = quotas;
  }

  /**
   * The selected instances by id, in the order EC2 described them.
   *
   * @param missingIds ids the spec names that no instance of the region has
   */
  public record Selection(Map<String, InstanceInfo> instances, List<String> missingIds) {
    public Selection {
      instances = Collections.unmodifiableMap(new LinkedHashMap<>(instances));
      missingIds = List.copyOf(missingIds);
    }

    /** The refusal that names the missing ids, or null when every id was found. */
    public String missingMessage(String region) {
      if (missingIds.isEmpty()) {
        return null;
      }
      return (missingIds.size() == 1 ? "there is no instance " : "there are no instances ")
          + String.join(", ", missingIds)
          + " in "
          + region;
    }
  }

  /**
   * The instances {@code targets} selects: those with the ids it names and those whose tags match
   * its selector. When a describe by ids answers NotFound (one of them does not exist), the ids are
   * described one by one, so that those that exist are still selected.
   */
  public Selection select(String region, InstanceTargets targets) {
    Map<String, InstanceInfo> out = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    List<String> ids = targets.getIds() == null ? List.of() : targets.getIds();
    if (!ids.isEmpty()) {
      try {
        describe(region, new InstanceFilter(ids, null)).forEach(i -> out.put(i.instanceId(), i));
      } catch (CloudException e) {
        if (e.kind() != CloudException.Kind.NOT_FOUND) {
          throw e;
        }
        for (String id : ids) {
          try {
            describe(region, new InstanceFilter(List.of(id), null))
                .forEach(i -> out.put(i.instanceId(), i));
          } catch (CloudException notThere) {
            if (notThere.kind() != CloudException.Kind.NOT_FOUND) {
              throw notThere;
            }
          }
        }
      }
      ids.stream().filter(id -> !out.containsKey(id)).distinct().forEach(missing::add);
    }
    if (targets.getSelector() != null
        && targets.getSelector().getTags() != null
        && !targets.getSelector().getTags().isEmpty()) {
      describe(region, new InstanceFilter(null, targets.getSelector().getTags()))
          .forEach(i -> out.put(i.instanceId(), i));
    }
    return new Selection(out, missing);
  }

  private List<InstanceInfo> describe(String region, InstanceFilter filter) {
    return retry.call(() -> cloud.describeAllInstances(region, filter));
  }

  /** The id of a VPC's default group (as a list: empty if the VPC has none). */
  public List<String> defaultGroups(String region, String vpcId) {
    return retry
        .call(
            () ->
                cloud.describeAllSecurityGroups(
                    region, new GroupFilter(null, List.of("default"), vpcId, null)))
        .stream()
        .map(SecurityGroupInfo::groupId)
        .toList();
  }

  /**
   * The groups an attachment puts on, with the VPC of each that is known (EC2 checks the others).
   */
  public record Wanted(List<String> ids, Map<String, String> vpcOf) {
    public Wanted {
      ids = List.copyOf(ids);
      vpcOf = Map.copyOf(vpcOf);
    }
  }

  /**
   * What attaching did: the interfaces that carry the groups now, the refusals that name the
   * instances left out, and whether EC2 was changed.
   */
  public record Outcome(List<AttachedInstance> attached, List<String> refusals, boolean changed) {
    public Outcome {
      attached = List.copyOf(attached);
      refusals = List.copyOf(refusals);
    }
  }

  /**
   * Puts {@code wanted} on the primary interface of every selected instance, keeping the groups
   * others put there and taking off those of {@code previous} that are no longer wanted. EC2 is
   * called only for an interface whose groups change.
   *
   * @param previous the groups this attachment put on before
   * @param keepDefault whether the VPC's default group stays on (else it comes off)
   */
  public Outcome attach(
      String region,
      Collection<InstanceInfo> instances,
      Wanted wanted,
      Set<String> previous,
      boolean keepDefault) {
    List<AttachedInstance> attached = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    Map<String, List<String>> defaults = new HashMap<>(); // one describe per VPC
    boolean changed = false;
    for (InstanceInfo i : instances) {
      InterfaceGroups.Change change =
          InterfaceGroups.plan(
              i,
              wanted.ids(),
              wanted.vpcOf(),
              previous,
              keepDefault
                  ? List.of()
                  : defaults.computeIfAbsent(i.vpcId(), vpc -> defaultGroups(region, vpc)),
              quotas);
      if (change.refusal() != null) {
        refusals.add(change.refusal());
        continue;
      }
      if (change.changes()) {
        String refusal = setGroups(region, i.instanceId(), change.nic(), change.groups());
        if (refusal != null) {
          refusals.add(refusal);
          continue;
        }
        changed = true;
      }
      attached.add(
          new AttachedInstance(i.instanceId(), change.nic().interfaceId(), change.groups()));
    }
    return new Outcome(attached, refusals, changed);
  }

  /**
   * Takes {@code ours} off the interface an attachment put them on; when nothing would be left, EC2
   * needs one group there, so the VPC's default group goes back on. An instance that is gone needs
   * nothing.
   *
   * @return whether EC2 was changed; a refusal is added to {@code refusals}
   */
  public boolean detach(
      String region, AttachedInstance old, Set<String> ours, List<String> refusals) {
    List<InstanceInfo> now;
    try {
      now = describe(region, new InstanceFilter(List.of(old.getInstanceId()), null));
    } catch (CloudException e) {
      if (e.kind() == CloudException.Kind.NOT_FOUND) {
        return false; // the instance is gone, and its interface with it
      }
      throw e;
    }
    for (InstanceInfo i : now) {
      for (InstanceInfo.InterfaceInfo nic : i.interfaces()) {
        if (!nic.interfaceId().equals(old.getInterfaceId())) {
          continue;
        }
        List<String> left = new ArrayList<>(nic.groupIds());
        left.removeAll(ours);
        if (left.equals(nic.groupIds())) {
          return false;
        }
        if (left.isEmpty()) {
          left.addAll(defaultGroups(region, i.vpcId()));
        }
        String refusal = setGroups(region, old.getInstanceId(), nic, left);
        if (refusal != null) {
          refusals.add(refusal);
          return false;
        }
        return true;
      }
    }
    return false;
  }

  /** Sets an interface's groups; returns EC2's refusal in words that name the instance, or null. */
  private String setGroups(
      String region, String instanceId, InstanceInfo.InterfaceInfo nic, List<String> groups) {
    List<String> next = List.copyOf(groups);
    try {
      retry.run(() -> cloud.setInterfaceGroups(region, nic.interfaceId(), next));
      return null;
    } catch (CloudException e) {
      if (e.retryable()) {
        throw e;
      }
      return instanceId + " (" + nic.interfaceId() + "): " + e.getMessage();
    }
  }
}
