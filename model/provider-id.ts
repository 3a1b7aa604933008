/**
 * A node's `spec.providerID` as the clouds write it:
 *   AWS   aws:///us-east-1a/i-0abc…              (zone, instance id)
 *   GCP   gce://project/zone/name                (project, zone, instance name)
 *   Azure azure:///subscriptions/…/virtualMachines/vm, or a scale set's …/virtualMachines/3 (resource id)
 * Undefined for anything else (kind, on-premises, an unknown cloud).
 */
export type ProviderId =
  | { cloud: "aws"; zone: string; instance: string }
  | { cloud: "gce"; project: string; zone: string; name: string }
  | { cloud: "azure"; resourceId: string };

export function parseProviderId(providerId: string): ProviderId | undefined {
  const id = providerId.trim();
  const aws = /^aws:\/\/\/?([^/]*)\/(i-[0-9a-f]+)$/i.exec(id);
  if (aws !== null) return { cloud: "aws", zone: aws[1] ?? "", instance: aws[2] ?? "" };
  const gce = /^gce:\/\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(id);
  if (gce !== null) return { cloud: "gce", project: gce[1] ?? "", zone: gce[2] ?? "", name: gce[3] ?? "" };
  const azure = /^azure:\/\/(\/subscriptions\/.+)$/i.exec(id);
  if (azure !== null) return { cloud: "azure", resourceId: azure[1] ?? "" };
  return undefined;
}
