import { defineMessages } from '../define'

/**
 * Answers of the server that a person reads (set-up, sign-in, users, members), and the checks the
 * forms run before sending. The English entries are the API's `error` texts (docs/api.md); the
 * `message: { zh, en }` of an error answer carries both.
 */
export const errorMessages = defineMessages({
  zh: {
    'error.invalid': '请求无效：{details}',
    'error.setup.done': '已经完成设置：请直接登录',
    'error.login.throttled': '登录失败次数过多：请稍后再试',
    'error.login.wrong': '邮箱或密码错误',
    'error.user.duplicate': '已有使用该邮箱的用户',
    'error.user.selfDisable': '不能停用自己',
    'error.user.notFound': '没有这个用户',
    'error.member.noUser': '没有使用该邮箱的用户：请先由管理员创建用户',
    'error.member.notFound': '没有使用该邮箱的成员',
    'error.account.archived': '该客户已归档：取消归档后才能修改',
    'error.invariant.lastAdmin': '这是最后一位在用的管理员',
    'error.invariant.lastOwner': '每个客户至少需要一位所有者：请先把其他人设为所有者',
    'error.field.email': '邮箱',
    'error.field.name': '姓名',
    'error.field.password': '密码',
    'error.field.body': '请求',
    'validation.required': '必填',
    'validation.email': '不是有效的邮箱地址',
    'validation.name.max': '最多 100 个字符',
    'validation.password.min': '至少 8 个字符',
    'validation.password.max': '最多 200 个字符',
  },
  en: {
    'error.invalid': 'invalid request: {details}',
    'error.setup.done': 'already set up: sign in instead',
    'error.login.throttled': 'too many failed sign-ins: try again later',
    'error.login.wrong': 'wrong email or password',
    'error.user.duplicate': 'a user with this email already exists',
    'error.user.selfDisable': 'you cannot disable yourself',
    'error.user.notFound': 'no such user',
    'error.member.noUser': 'no user with this email: an administrator creates users first',
    'error.member.notFound': 'no member with this email',
    'error.account.archived': 'the account is archived; unarchive it to change it',
    'error.invariant.lastAdmin': 'this is the last active administrator',
    'error.invariant.lastOwner': 'an account needs at least one owner: make someone else owner first',
    'error.field.email': 'email',
    'error.field.name': 'name',
    'error.field.password': 'password',
    'error.field.body': 'body',
    'validation.required': 'required',
    'validation.email': 'not an email address',
    'validation.name.max': 'at most 100 characters',
    'validation.password.min': 'at least 8 characters',
    'validation.password.max': 'at most 200 characters',
  },
})
