import type { enWitness } from './en.witness.ts';

/** Simplified Chinese for en.witness.ts: a missing or extra key fails to compile. */
export const zhCNWitness: { readonly [K in keyof typeof enWitness]: string } = {
  'witness.title': '警报：服务器的活动日志未通过此浏览器的校验',
  'witness.problem.keyChanged': '服务器现在用另一把密钥签署日志，与此浏览器之前见到的不同。',
  'witness.problem.badSignature': '服务器检查点的签名无法验证。',
  'witness.problem.wentBackwards': '日志倒退了：它比此浏览器之前验证过的更短，有记录消失了。',
  'witness.problem.wentBackAndRegrew':
    '日志倒退到了更早的状态（从备份恢复？），之后又沿另一段历史增长：此浏览器验证过的记录已不见了。',
  'witness.problem.forked': '服务器向此浏览器展示了两份大小相同但内容不同的日志（分叉）。',
  'witness.problem.inconsistent': '日志并未延续此浏览器之前验证过的那份：其历史被改写了。',
  'witness.problem.logDamaged': '服务器称其日志已损坏，无法证明其历史。',
  'witness.reported': '已报告给服务器，记录为活动条目 #{seq}；你的其他设备已收到通知。',
  'witness.notReported': '服务器未接受此报告（{reason}）。请告知你的服务器管理员。',
  'witness.seeActivity': '查看活动记录',
};
