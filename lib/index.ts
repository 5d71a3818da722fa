/** What another CDK app imports: the construct, its props and the stack. */
export * from './ecr-janitor';
export * from './ecr-janitor-stack';
