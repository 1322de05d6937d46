package dev.portcullis.sync;

import dev.portcullis.api.v1alpha1.SecurityGroupSpec;
import java.util.Optional;

/**
 * A rule may name another SecurityGroup only within its own region and VPC: EC2 never matches a
 * group reference across regions, and Portcullis models no VPC peering, so a reference matches
 * within one VPC only. Shared by the operator and the offline command, so both refuse such a
 * reference before anything reaches EC2, in the same words.
 */
public final class ReferenceLocality {
  private ReferenceLocality() {}

  /**
   * Why a rule of the group {@code mine} cannot name the SecurityGroup {@code name} whose spec is
   * {@code theirs}, or empty when it can. A VPC that is not known yet (an adopted group's) is not
   * compared.
   */
  public static Optional<String> problem(
      String name, SecurityGroupSpec mine, SecurityGroupSpec theirs) {
    if (!mine.getRegion().equals(theirs.getRegion())) {
      return Optional.of(
          "SecurityGroup "
              + name
              + " is in region "
              + theirs.getRegion()
              + " but this group is in "
              + mine.getRegion()
              + "; a group reference never matches across regions (use the other region's"
              + " public addresses as a cidr instead)");
    }
    if (mine.getVpcId() != null
        && theirs.getVpcId() != null
        && !mine.getVpcId().equals(theirs.getVpcId())) {
      return Optional.of(
          "SecurityGroup "
              + name
              + " is in "
              + theirs.getVpcId()
              + " but this group is in "
              + mine.getVpcId()
              + "; a group reference only matches within one VPC");
    }
    return Optional.empty();
  }
}
