import { parseProviderId } from "../model/provider-id.ts";

/**
 * Matching bill lines to nodes by resource id. Both sides are reduced to one key:
 *   AWS   aws:///us-east-1a/i-0abc…        ↔ i-0abc… (CUR) or arn:aws:ec2:…:instance/i-0abc… (FOCUS)
 *   GCP   gce://project/zone/name           ↔ resource.name, or …/instances/name
 *   Azure azure:///subscriptions/…/virtualMachines/vm (or a scale set's …/virtualMachines/0)
 *                                           ↔ ResourceId / InstanceId (+ the VM name for scale sets)
 * and volumes by the PV's cloud disk id (volumeKey): EBS vol-…, GCE projects/…/disks/name ↔ the
 * disk name, Azure disk URIs as they are.
 */

/** The matching key of a PV's cloud volume id, or undefined when it has none. */
export function volumeKey(volumeId: string): string | undefined {
  return volumeId.trim() === "" ? undefined : billKey(volumeId);
}

/** The matching key of a node's spec.providerID, or undefined when it names no billable instance. */
export function nodeKey(providerId: string): string | undefined {
  const p = parseProviderId(providerId);
  if (p === undefined) return undefined;
  if (p.cloud === "aws") return p.instance.toLowerCase();
  if (p.cloud === "gce") return `gce:${p.name.toLowerCase()}`;
  return p.resourceId.toLowerCase();
}

/** The matching key of a bill line's resource id ("" when there is none). */
export function billKey(resourceId: string): string {
  const id = resourceId.trim();
  if (id === "") return "";
  const instance = /(?:^|[/:])(i-[0-9a-f]+)$/i.exec(id);
  if (instance?.[1] !== undefined) return instance[1].toLowerCase();
  const volume = /(?:^|[/:])(vol-[0-9a-f]+)$/i.exec(id);
  if (volume?.[1] !== undefined) return volume[1].toLowerCase();
  if (/^\/subscriptions\//i.test(id)) return id.toLowerCase();
  const gceDisk = /(?:^|\/)projects\/[^/]+\/(?:zones|regions)\/[^/]+\/disks\/([^/]+)$/i.exec(id);
  if (gceDisk?.[1] !== undefined) return `gce:${gceDisk[1].toLowerCase()}`;
  const gceInstance = /\/instances\/([^/]+)$/i.exec(id);
  if (gceInstance?.[1] !== undefined) return `gce:${gceInstance[1].toLowerCase()}`;
  // GCP's resource.name is the bare instance name.
  if (/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(id)) return `gce:${id}`;
  return id.toLowerCase();
}
