/**
 * `aws_db_instance`: paged DescribeDBInstances (100 a page, the API's largest), by
 * `db-instance-id` filter or listing the account, whichever costs fewer calls. Tags come
 * with each instance (`TagList`), so there is no per-database call.
 */
import { paginateDescribeDBInstances, type DBInstance } from '@aws-sdk/client-rds';
import {
  dbIdentifierOf,
  dbInstanceView,
  RDS_TYPES,
  recordedDbInstanceView,
} from '../../providers/aws/rds.js';
import {
  liveTagAttributes,
  readLive,
  recordedTagAttributes,
  tagMap,
  type Comparison,
  type ResourceFamily,
} from './family.js';

export const RDS_PAGE_SIZE = 100;

export const rdsFamily: ResourceFamily = {
  name: 'RDS databases',
  types: RDS_TYPES,
  async scan(session, instances) {
    const found = await readLive<DBInstance>({
      ids: instances.map((instance) => dbIdentifierOf(instance.attributes)),
      idFilter: 'db-instance-id',
      pageSize: RDS_PAGE_SIZE,
      idOf: (db) => db.DBInstanceIdentifier,
      // RDS pages by `Marker`, not `NextToken`.
      async *pages(Filters) {
        for await (const page of paginateDescribeDBInstances(
          { client: session.rds(), pageSize: RDS_PAGE_SIZE },
          { Filters },
        ))
          yield { items: page.DBInstances, nextToken: page.Marker };
      },
    });
    const byIdentifier = new Map(
      found
        .filter((db) => db.DBInstanceStatus !== 'deleting')
        .map((db) => [db.DBInstanceIdentifier, db]),
    );
    const comparisons = instances.map((instance): Comparison => {
      const db = byIdentifier.get(dbIdentifierOf(instance.attributes));
      return {
        instance,
        recorded: {
          ...recordedDbInstanceView(instance.attributes),
          ...recordedTagAttributes(instance.attributes),
        },
        live: db
          ? {
              ...dbInstanceView({
                instanceClass: db.DBInstanceClass,
                allocatedStorage: db.AllocatedStorage,
                publiclyAccessible: db.PubliclyAccessible,
                securityGroupIds: (db.VpcSecurityGroups ?? []).map(
                  (group) => group.VpcSecurityGroupId!,
                ),
                backupRetentionPeriod: db.BackupRetentionPeriod,
                deletionProtection: db.DeletionProtection,
                multiAz: db.MultiAZ,
                storageEncrypted: db.StorageEncrypted,
                parameterGroupName: db.DBParameterGroups?.[0]?.DBParameterGroupName,
              }),
              ...liveTagAttributes(tagMap(db.TagList), instance.attributes),
            }
          : null,
      };
    });
    return { comparisons };
  },
};
