## 证件号码等输入错误时的提示（错在哪里，正确示例）

plate-error-province = 车牌号应以省份简称开头，例如：京A12345
plate-error-format = 车牌号为省份简称加字母和5位字母或数字（新能源车6位），不使用I和O，例如：京A12345、京AD12345
id-error-length = 身份证号码为18位，最后一位是数字或X，例如：11010519491231002X
id-error-chars = 身份证号码由17位数字加一位数字或X组成（首位不为0）。
id-error-birthdate = 身份证号码中的出生日期（第7至14位）无效，请核对。
id-error-checksum = 身份证号码校验位不符，可能有字符输入错误，请核对。
ticket-error-format = 工单号格式为C261121-0042（C、日期、短横线和至少4位数字）。
tracking-error-format = 快递单号为2个字母+9位数字+2个字母（EMS，如EA123456789CN），或SF加12至13位数字（顺丰）。
phone-error-format = 手机号码为11位数字，以13至19开头，例如：13812345678
